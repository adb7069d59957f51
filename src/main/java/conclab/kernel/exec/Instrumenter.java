package conclab.kernel.exec;

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

    private Instrumenter() {}

    static byte[] instrument(byte[] classFile) {
        ClassFile cf = ClassFile.of();
        return cf.transformClass(cf.parse(classFile),
                ClassTransform.transformingMethodBodies(CodeTransform.ofStateful(Weaver::new)));
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
                    String r = replacement(inv.owner().asSymbol(), inv.name().stringValue(), inv.typeSymbol(), isStatic);
                    if (r == null) b.with(e);
                    else b.invokestatic(RUNTIME_CLASS, r, isStatic ? INT_VOID : RUNTIME_INT_VOID);
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
