package conclab.bench;

/** {@code ./lab bench recorder}: the "recorder" part of {@link LibBench} alone. */
public final class RecorderBench {

    private RecorderBench() {}

    public static void main(String[] args) throws Exception {
        String[] a = new String[args.length + 1];
        a[0] = "recorder";
        System.arraycopy(args, 0, a, 1, args.length);
        LibBench.main(a);
    }
}
