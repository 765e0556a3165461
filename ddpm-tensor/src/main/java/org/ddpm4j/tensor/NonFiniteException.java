package org.ddpm4j.tensor;

/**
 * A computation or a file produced NaN or an infinity where only finite values make sense: a diverged training step,
 * a checkpoint about to be written with non-finite weights, samples of a diverged model. The message names what was
 * non-finite and where, so that nothing downstream silently turns it into a black image or a corrupt checkpoint.
 */
public class NonFiniteException extends ArithmeticException {
    /** @param message what was not finite, and where */
    public NonFiniteException(String message) {
        super(message);
    }

    /**
     * Throws unless every value of {@code t} is finite; the message is {@code what} followed by the first non-finite
     * value, its flat index and how many there are.
     */
    public static void requireFinite(Tensor t, String what) {
        float[] d = t.toArray();
        int first = -1, count = 0;
        for (int i = 0, n = t.size(); i < n; i++) {
            if (!Float.isFinite(d[i])) {
                first = first < 0 ? i : first;
                count++;
            }
        }
        if (count > 0) {
            throw new NonFiniteException(what + " holds " + count + " non-finite value" + (count == 1 ? "" : "s")
                    + " (first: " + d[first] + " at flat index " + first + " of shape " + t.shapeString() + ")");
        }
    }
}
