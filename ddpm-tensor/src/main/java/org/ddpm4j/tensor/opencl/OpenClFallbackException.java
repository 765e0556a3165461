package org.ddpm4j.tensor.opencl;

/**
 * Aparapi ran a kernel on its Java fallback (thread pool or sequential loop) instead of the OpenCL device, usually
 * because the kernel failed to translate or compile. The results would be right but slow, so the OpenCL backend
 * refuses to pass that off as device execution.
 */
public final class OpenClFallbackException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    OpenClFallbackException(String kernel, String ranOn) {
        super("OpenCL backend: Aparapi did not run kernel " + kernel + " on the OpenCL device but on " + ranOn
                + " (its translation or compilation failed; Aparapi's log above says why)");
    }
}
