package org.ddpm4j.diffusion;

/**
 * A forward-process variance schedule and every table derived from it, in double: float32 tables give wrong
 * variances near t = 0. Timesteps are 0-based here: index {@code t} is the paper's step t + 1.
 */
public final class Schedule {
    /** The most steps a schedule may have: far beyond any published model, small enough to refuse a corrupt length. */
    public static final int MAX_STEPS = 1_000_000;
    private final String name;
    private final double[] betas;
    private final double[] alphas;
    private final double[] alphaBar;
    private final double[] alphaBarPrev;
    private final double[] posteriorVariance;
    private final double[] posteriorLogVarianceClipped;
    private final double[] posteriorMeanCoefX0;
    private final double[] posteriorMeanCoefXt;

    /**
     * @param name  for messages and printing
     * @param betas β_1..β_T, each in (0, 1); copied
     */
    public Schedule(String name, double[] betas) {
        if (betas.length < 1 || betas.length > MAX_STEPS) {
            throw new IllegalArgumentException(name + " schedule: " + betas.length + " steps, need 1 to " + MAX_STEPS);
        }
        for (int i = 0; i < betas.length; i++) {
            if (!(betas[i] > 0 && betas[i] < 1)) {
                throw new IllegalArgumentException(name + " schedule: β[" + i + "] = " + betas[i] + " is outside (0, 1)");
            }
        }
        int n = betas.length;
        this.name = name;
        this.betas = betas.clone();
        this.alphas = new double[n];
        this.alphaBar = new double[n];
        this.alphaBarPrev = new double[n];
        this.posteriorVariance = new double[n];
        this.posteriorLogVarianceClipped = new double[n];
        this.posteriorMeanCoefX0 = new double[n];
        this.posteriorMeanCoefXt = new double[n];
        double prod = 1;
        for (int t = 0; t < n; t++) {
            alphas[t] = 1 - betas[t];
            alphaBarPrev[t] = prod;
            prod *= alphas[t];
            alphaBar[t] = prod;
            // Eq. 7: β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t;  μ̃ = coefX0·x₀ + coefXt·x_t
            posteriorVariance[t] = betas[t] * (1 - alphaBarPrev[t]) / (1 - alphaBar[t]);
            posteriorMeanCoefX0[t] = betas[t] * Math.sqrt(alphaBarPrev[t]) / (1 - alphaBar[t]);
            posteriorMeanCoefXt[t] = (1 - alphaBarPrev[t]) * Math.sqrt(alphas[t]) / (1 - alphaBar[t]);
        }
        for (int t = 0; t < n; t++) {
            // β̃_0 = 0: its log is clipped to β̃_1's, as in the DDPM code.
            posteriorLogVarianceClipped[t] = Math.log(t == 0 && n > 1 ? posteriorVariance[1] : Math.max(posteriorVariance[t], 1e-20));
        }
    }

    /**
     * The chain that visits only the kept timesteps (ascending indices into this schedule): its step k has
     * β'_k = 1 − ᾱ_{kept[k]}/ᾱ_{kept[k−1]} (with ᾱ before the first kept step taken as 1), so its ᾱ'_k equals this
     * schedule's ᾱ_{kept[k]} and every derived table (β̃', posterior coefficients) is that of the shorter chain
     * (Nichol &amp; Dhariwal's respacing).
     */
    public Schedule respaced(int[] kept) {
        double[] b = new double[kept.length];
        double prev = 1;
        for (int k = 0; k < kept.length; k++) {
            if (kept[k] < 0 || kept[k] >= steps() || (k > 0 && kept[k] <= kept[k - 1])) {
                throw new IllegalArgumentException("respacing: kept timesteps must ascend inside [0, " + steps()
                        + "), got " + java.util.Arrays.toString(kept) + " at index " + k);
            }
            b[k] = 1 - alphaBar[kept[k]] / prev;
            prev = alphaBar[kept[k]];
        }
        return new Schedule(name + " respaced to " + kept.length, b);
    }

    /** The name given at construction, e.g. "linear". */
    public String name() {
        return name;
    }

    /** Number of steps T. */
    public int steps() {
        return betas.length;
    }

    /** β_t, the variance added at step t (0-based). */
    public double beta(int t) {
        return betas[t];
    }

    /** α_t = 1 − β_t. */
    public double alpha(int t) {
        return alphas[t];
    }

    /** ᾱ_t = Π_{s ≤ t} α_s. */
    public double alphaBar(int t) {
        return alphaBar[t];
    }

    /** ᾱ_{t−1}, with ᾱ_{−1} = 1. */
    public double alphaBarPrev(int t) {
        return alphaBarPrev[t];
    }

    /** log SNR_t = log(ᾱ_t/(1 − ᾱ_t)): the ODE solvers' time variable (twice their λ_t) and their step spacing. */
    public double logSnr(int t) {
        return Math.log(alphaBar[t]) - Math.log1p(-alphaBar[t]);
    }

    /** √ᾱ_t, the signal coefficient of q(x_t | x₀) (Eq. 4). */
    public double sqrtAlphaBar(int t) {
        return Math.sqrt(alphaBar[t]);
    }

    /** √(1 − ᾱ_t), the noise coefficient of q(x_t | x₀) (Eq. 4). */
    public double sqrtOneMinusAlphaBar(int t) {
        return Math.sqrt(1 - alphaBar[t]);
    }

    /** 1/√ᾱ_t, the x_t coefficient of x̂₀ (Eq. 15). */
    public double sqrtRecipAlphaBar(int t) {
        return 1 / Math.sqrt(alphaBar[t]);
    }

    /** √(1/ᾱ_t − 1), the ε coefficient of x̂₀ (Eq. 15). */
    public double sqrtRecipAlphaBarMinusOne(int t) {
        return Math.sqrt(1 / alphaBar[t] - 1);
    }

    /** β̃_t of Eq. 7 (0 at t = 0). */
    public double posteriorVariance(int t) {
        return posteriorVariance[t];
    }

    /** log β̃_t with t = 0 clipped to β̃_1. */
    public double posteriorLogVarianceClipped(int t) {
        return posteriorLogVarianceClipped[t];
    }

    /** The x₀ coefficient of μ̃_t (Eq. 7): β_t·√ᾱ_{t−1}/(1 − ᾱ_t). */
    public double posteriorMeanCoefX0(int t) {
        return posteriorMeanCoefX0[t];
    }

    /** The x_t coefficient of μ̃_t (Eq. 7): (1 − ᾱ_{t−1})·√α_t/(1 − ᾱ_t). */
    public double posteriorMeanCoefXt(int t) {
        return posteriorMeanCoefXt[t];
    }
}
