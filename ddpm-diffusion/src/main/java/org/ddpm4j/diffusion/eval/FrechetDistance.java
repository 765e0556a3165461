package org.ddpm4j.diffusion.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.simple.SimpleMatrix;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (the FID of Heusel et al. 2017, here in the
 * feature space of our own classifier): d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2}). The trace of the root is
 * taken from the symmetric form Tr((Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}), which has the same eigenvalues, by EJML's
 * symmetric eigen-decomposition; eigenvalues below zero (rounding of a singular covariance) count as zero.
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    /** d² between the two fitted Gaussians. */
    public static double squared(FeatureStatistics a, FeatureStatistics b) {
        int d = a.mean().length;
        if (b.mean().length != d) {
            throw new IllegalArgumentException("Fréchet distance of " + d + "- and " + b.mean().length + "-dimensional features");
        }
        double meanTerm = 0;
        for (int j = 0; j < d; j++) {
            double diff = a.mean()[j] - b.mean()[j];
            meanTerm += diff * diff;
        }
        SimpleMatrix rootA = symmetricSqrt(a.covariance());
        SimpleMatrix inner = rootA.mult(b.covariance()).mult(rootA);
        inner = inner.plus(inner.transpose()).scale(0.5); // symmetric up to rounding: make it exactly so
        double traceRoot = 0;
        for (double ev : symmetricEigenvalues(inner)) {
            traceRoot += Math.sqrt(Math.max(ev, 0));
        }
        return meanTerm + a.covariance().trace() + b.covariance().trace() - 2 * traceRoot;
    }

    /** S^{1/2} of a symmetric positive semi-definite matrix: V·diag(√λ)·Vᵀ with orthonormal V. */
    static SimpleMatrix symmetricSqrt(SimpleMatrix s) {
        EigenDecomposition_F64<DMatrixRMaj> evd = symmetricEvd(s);
        int d = s.getNumRows();
        SimpleMatrix root = new SimpleMatrix(d, d);
        for (int k = 0; k < d; k++) {
            double lambda = Math.max(evd.getEigenvalue(k).getReal(), 0);
            if (lambda > 0) {
                SimpleMatrix v = SimpleMatrix.wrap(evd.getEigenVector(k));
                root = root.plus(v.mult(v.transpose()).scale(Math.sqrt(lambda)));
            }
        }
        return root;
    }

    private static double[] symmetricEigenvalues(SimpleMatrix s) {
        EigenDecomposition_F64<DMatrixRMaj> evd = symmetricEvd(s);
        double[] out = new double[s.getNumRows()];
        for (int k = 0; k < out.length; k++) {
            out[k] = evd.getEigenvalue(k).getReal();
        }
        return out;
    }

    /** The symmetric algorithm, whose eigenvectors are orthonormal even for repeated eigenvalues. */
    private static EigenDecomposition_F64<DMatrixRMaj> symmetricEvd(SimpleMatrix s) {
        EigenDecomposition_F64<DMatrixRMaj> evd = DecompositionFactory_DDRM.eig(s.getNumRows(), true, true);
        if (!evd.decompose(s.getDDRM().copy())) {
            throw new IllegalArgumentException("eigen-decomposition of a " + s.getNumRows() + "×" + s.getNumCols()
                    + " covariance failed (NaN or infinite features?)");
        }
        return evd;
    }
}
