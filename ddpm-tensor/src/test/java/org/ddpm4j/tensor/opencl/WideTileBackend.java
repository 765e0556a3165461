package org.ddpm4j.tensor.opencl;

/** An OpenCL backend that runs every product it can on {@link WideTileGemmKernel}, for tests on small shapes. */
public final class WideTileBackend {
    private WideTileBackend() {
    }

    public static OpenClBackend create() {
        return OpenClBackend.on(OpenClDevices.select(), GemmTiles.WIDE);
    }
}
