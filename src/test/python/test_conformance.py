"""The official jupyter_kernel_test suite (Debian's python3-jupyter-kernel-test), every test enabled.

No test method is overridden: the suite's own 12 tests run as it defines them, with Java samples.
"""
import os
import unittest

import jupyter_kernel_test


class ConcurrencyLabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("CONCLAB_KERNEL", "conclab")
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("something went wrong");'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs", "absExact"}},
        {"text": "String.valueO", "matches": {"valueOf"}},
        {"text": "List.of(1).siz", "matches": {"size()"}},
    ]

    complete_code_samples = ["1 + 1", "int x = 3;", "void f() {}", "record P(int x) {}"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "void f() {", "class A {"]
    invalid_code_samples = ["int x = ;", ")", 'String s = "abc']

    code_page_something = "String?"

    code_generate_error = 'throw new IllegalStateException("boom");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"con" + "clab"', "result": '"conclab"'},
        {"code": "List.of(1, 2, 3)", "result": "[1, 2, 3]"},
    ]

    code_display_data = [
        {"code": 'display(html("<b>bold</b>"));', "mime": "text/html"},
        {"code": 'display(markdown("*it*"));', "mime": "text/markdown"},
        {"code": "display(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB));",
         "mime": "image/png"},
    ]

    code_history_pattern = "6 * ?"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "String"

    code_clear_output = "clearOutput();"


if __name__ == "__main__":
    unittest.main()
