package org.ddpm4j.tensor.opencl;

/**
 * Aparapi could not translate a kernel's {@code run()} to OpenCL C. Aparapi's own runtime would then quietly run the
 * kernel on its Java thread pool; the OpenCL backend never does, so this is raised instead.
 */
public final class KernelTranslationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    KernelTranslationException(String kernel, String why) {
        super("OpenCL backend: Aparapi could not translate kernel " + kernel + " to OpenCL C: " + why);
    }

    KernelTranslationException(String kernel, String why, Throwable cause) {
        super("OpenCL backend: Aparapi could not translate kernel " + kernel + " to OpenCL C: " + why, cause);
    }
}
