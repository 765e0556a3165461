package org.ddpm4j.tensor.opencl;

/** No usable OpenCL device: the library, platform or device is missing, or the requested device does not exist. */
public final class OpenClUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public OpenClUnavailableException(String reason) {
        super("OpenCL unavailable: " + reason);
    }

    public OpenClUnavailableException(String reason, Throwable cause) {
        super("OpenCL unavailable: " + reason, cause);
    }
}
