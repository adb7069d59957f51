package conclab.kernel.maven;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FetchTest {

    @Test
    void reads_the_library_magics_of_code_cells_as_the_kernel_does() {
        String nb = """
                {"cells": [
                  {"cell_type": "markdown", "source": ["%maven not:a:magic\\n"]},
                  {"cell_type": "code", "source": ["  %mavenRepo lab https://repo.example/m2\\n"]},
                  {"cell_type": "code", "source": ["%maven a:b:1 c:d:2\\n", "var x = 1;"]},
                  {"cell_type": "code", "source": "%addMavenDependency e:f:3 --offline"},
                  {"cell_type": "code", "source": ["int y = 2;\\n", "%maven g:h:4"]},
                  {"cell_type": "code", "source": ["%%loadFromPOM\\n", "<dependency><groupId>i</groupId></dependency>"]},
                  {"cell_type": "code", "source": ["%%python\\n", "%maven not:this:one"]},
                  {"cell_type": "code", "source": ["%time 1 + 1"]}
                ]}""";
        List<Fetch.Magic> m = Fetch.magics(nb);
        assertEquals(List.of(
                new Fetch.Magic("mavenRepo", "lab https://repo.example/m2", ""),
                new Fetch.Magic("maven", "a:b:1 c:d:2", ""),
                new Fetch.Magic("maven", "e:f:3 --offline", ""),
                new Fetch.Magic("%%loadFromPOM", "", "<dependency><groupId>i</groupId></dependency>")), m);
    }

    @Test
    void bad_usage_and_a_notebook_without_libraries() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        assertEquals(2, Fetch.run(new String[0], new PrintStream(out), new PrintStream(err)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage"));
        var nb = java.nio.file.Files.createTempFile("plain", ".ipynb");
        try {
            java.nio.file.Files.writeString(nb, "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"1 + 1\"]}]}");
            assertEquals(0, Fetch.run(new String[]{nb.toString()}, new PrintStream(out), new PrintStream(err)));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("no library to fetch"));
        } finally {
            java.nio.file.Files.deleteIfExists(nb);
        }
    }
}
