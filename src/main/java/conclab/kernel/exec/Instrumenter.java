package conclab.kernel.exec;

import conclab.kernel.cell.CellRuntime;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites the bytecode of cell classes with the JDK's ClassFile API:
 * <ul>
 *   <li>a call to {@link CellRuntime#stopCheck()} at every method start and before every backward
 *       branch, so a busy loop in cell code can be interrupted;</li>
 *   <li>{@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt}, called directly or through
 *       a method reference, replaced by {@link CellRuntime} methods that refuse.</li>
 * </ul>
 */
final class Instrumenter {

    private static final ClassDesc RUNTIME_CLASS = ClassDesc.of(CellRuntime.class.getName());
    private static final ClassDesc CD_SYSTEM = ClassDesc.of("java.lang.System");
    private static final ClassDesc CD_RUNTIME = ClassDesc.of("java.lang.Runtime");
    private static final MethodTypeDesc INT_VOID = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int);
    private static final MethodTypeDesc RUNTIME_INT_VOID =
            MethodTypeDesc.of(ConstantDescs.CD_void, CD_RUNTIME, ConstantDescs.CD_int);

    /** Types whose instances, returned to or constructed by cell code, the cell owns. */
    private static final Set<ClassDesc> OWNED = Set.of(
            ClassDesc.of("java.lang.Thread"),
            ClassDesc.of("java.util.Timer"),
            ClassDesc.of("java.util.concurrent.ExecutorService"),
            ClassDesc.of("java.util.concurrent.ScheduledExecutorService"),
            ClassDesc.of("java.util.concurrent.ThreadPoolExecutor"),
            ClassDesc.of("java.util.concurrent.ScheduledThreadPoolExecutor"),
            ClassDesc.of("java.util.concurrent.ForkJoinPool"));
    private static final ClassDesc CD_THREAD = ClassDesc.of("java.lang.Thread");
    private static final MethodTypeDesc OBJECT_VOID = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_Object);
    private static final MethodTypeDesc THREAD_VOID = MethodTypeDesc.of(ConstantDescs.CD_void, CD_THREAD);

    private Instrumenter() {}

    static byte[] instrument(byte[] classFile) {
        ClassFile cf = ClassFile.of();
        java.lang.classfile.ClassModel model = cf.parse(classFile);
        return cf.transformClass(model, (cb, ce) -> {
            if (ce instanceof java.lang.classfile.MethodModel mm && mm.code().isPresent()) {
                boolean constructor = mm.methodName().equalsString(ConstantDescs.INIT_NAME);
                cb.transformMethod(mm, java.lang.classfile.MethodTransform.transformingCode(new Weaver(constructor)));
            } else {
                cb.with(ce);
            }
        });
    }

    /** What replaces a call to {@code owner.name(type)}, or null to keep it. */
    private static String replacement(ClassDesc owner, String name, MethodTypeDesc type, boolean isStatic) {
        if (isStatic && owner.equals(CD_SYSTEM) && name.equals("exit") && type.equals(INT_VOID)) return "exit";
        if (!isStatic && owner.equals(CD_RUNTIME) && type.equals(INT_VOID)) {
            if (name.equals("exit")) return "runtimeExit";
            if (name.equals("halt")) return "runtimeHalt";
        }
        return null;
    }

    private static final class Weaver implements CodeTransform {
        private final Set<Label> seen = new HashSet<>();
        private final boolean constructor;

        Weaver(boolean constructor) {
            this.constructor = constructor;
        }

        @Override
        public void atStart(CodeBuilder b) {
            b.invokestatic(RUNTIME_CLASS, "stopCheck", ConstantDescs.MTD_void);
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            switch (e) {
                case LabelTarget t -> {
                    seen.add(t.label());
                    b.with(e);
                }
                case BranchInstruction br when seen.contains(br.target()) -> {
                    b.invokestatic(RUNTIME_CLASS, "stopCheck", ConstantDescs.MTD_void);
                    b.with(e);
                }
                case InvokeInstruction inv -> {
                    boolean isStatic = inv.opcode() == java.lang.classfile.Opcode.INVOKESTATIC;
                    ClassDesc owner = inv.owner().asSymbol();
                    String name = inv.name().stringValue();
                    MethodTypeDesc type = inv.typeSymbol();
                    String r = replacement(owner, name, type, isStatic);
                    if (r != null) {
                        b.invokestatic(RUNTIME_CLASS, r, isStatic ? INT_VOID : RUNTIME_INT_VOID);
                    } else if (inv.opcode() == java.lang.classfile.Opcode.INVOKEVIRTUAL && owner.equals(CD_THREAD)
                            && name.equals("start") && type.equals(ConstantDescs.MTD_void)) {
                        b.invokestatic(RUNTIME_CLASS, "start", THREAD_VOID);
                    } else if (inv.opcode() == java.lang.classfile.Opcode.INVOKESPECIAL && name.equals("<init>")) {
                        b.with(e);
                        // new T(...) leaves the object on the stack (javac dups it); a constructor's own
                        // super(...) call does not, so constructors are left alone
                        if (!constructor && OWNED.contains(owner)) {
                            b.dup();
                            b.invokestatic(RUNTIME_CLASS, "own", OBJECT_VOID);
                        }
                    } else {
                        b.with(e);
                        if (OWNED.contains(type.returnType())) {
                            b.dup();
                            b.invokestatic(RUNTIME_CLASS, "own", OBJECT_VOID);
                        }
                    }
                }
                case InvokeDynamicInstruction indy -> {
                    List<ConstantDesc> args = indy.bootstrapArgs();
                    boolean changed = false;
                    ConstantDesc[] out = args.toArray(ConstantDesc[]::new);
                    for (int i = 0; i < out.length; i++) {
                        if (out[i] instanceof DirectMethodHandleDesc mh) {
                            boolean isStatic = mh.kind() == DirectMethodHandleDesc.Kind.STATIC;
                            boolean isVirtual = mh.kind() == DirectMethodHandleDesc.Kind.VIRTUAL;
                            if (!isStatic && !isVirtual) continue;
                            String r = replacement(mh.owner(), mh.methodName(),
                                    MethodTypeDesc.ofDescriptor(mh.lookupDescriptor()), isStatic);
                            if (r != null) {
                                out[i] = MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, RUNTIME_CLASS, r,
                                        isStatic ? INT_VOID : RUNTIME_INT_VOID);
                                changed = true;
                            }
                        }
                    }
                    if (!changed) {
                        b.with(e);
                    } else {
                        var call = java.lang.constant.DynamicCallSiteDesc.of(indy.bootstrapMethod(),
                                indy.name().stringValue(), indy.typeSymbol(), out);
                        b.invokedynamic(call);
                    }
                }
                default -> b.with(e);
            }
        }
    }
}
