package conclab.kernel;

public final class Main {
    public static void main(String[] args) {
        System.out.println("conclab");
    }
}
