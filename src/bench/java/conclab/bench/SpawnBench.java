package conclab.bench;

/** {@code ./lab bench spawn}: the "spawn" part of {@link LibBench} alone. */
public final class SpawnBench {

    private SpawnBench() {}

    public static void main(String[] args) throws Exception {
        String[] a = new String[args.length + 1];
        a[0] = "spawn";
        System.arraycopy(args, 0, a, 1, args.length);
        LibBench.main(a);
    }
}
