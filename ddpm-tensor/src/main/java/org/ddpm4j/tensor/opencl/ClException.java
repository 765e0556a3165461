package org.ddpm4j.tensor.opencl;

/** An OpenCL call returned an error status; the message names the call and the status. */
public final class ClException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ClException(String call, int status, String statusName) {
        super(call + " failed: " + statusName + " (" + status + ")");
        this.status = status;
    }

    ClException(String message) {
        super(message);
        this.status = 0;
    }

    /** The OpenCL status code, 0 when the failure was not a status (e.g. a build log). */
    public int status() {
        return status;
    }
}
