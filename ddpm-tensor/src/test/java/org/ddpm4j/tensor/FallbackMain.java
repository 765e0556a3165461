package org.ddpm4j.tensor;

/**
 * Entry point of the JVM that {@link VectorApiFallbackTest} starts without {@code --add-modules
 * jdk.incubator.vector}: asks for the default backend twice and runs one op on it.
 */
public final class FallbackMain {
    private FallbackMain() {
    }

    public static void main(String[] args) {
        Backend first = Backends.getDefault();
        Backend second = Backends.getDefault();
        Tensor x = Tensor.of(new float[] {-1f, 0f, 2f}, 3), y = x.zerosLike();
        first.silu(x, y);
        System.out.println("backend=" + first.name() + " same=" + (first == second) + " silu(2)=" + y.get(2));
    }
}
