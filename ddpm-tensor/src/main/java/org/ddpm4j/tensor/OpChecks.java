package org.ddpm4j.tensor;

import java.util.List;

/**
 * The argument checks of every {@link Backend} op that are more than one geometry call, in one place, so that all
 * backends reject the same calls with the same messages. Each throws {@link IllegalArgumentException} naming the op,
 * the argument and the shapes.
 */
public final class OpChecks {
    private OpChecks() {
    }

    /** {@link Backend#conv2dBackward}: dy against x, w and the spec; dx like x (when given), dw like w. */
    public static ConvGeometry conv2dBackward(Tensor x, Tensor w, Tensor dy, Conv2dSpec spec, Tensor dx, Tensor dw,
                                              Tensor dbias) {
        ConvGeometry g = ConvGeometry.of("conv2dBackward", x, w, dbias, spec, dy);
        if (dx != null) {
            ShapeCheck.requireSameShape("conv2dBackward", "x", x, "dx", dx);
        }
        ShapeCheck.requireSameShape("conv2dBackward", "w", w, "dw", dw);
        return g;
    }

    /** {@link Backend#conv2dPlus}: the convolution's geometry, shift {@code [N, Cout]}, residual like y and not y. */
    public static ConvGeometry conv2dPlus(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor shift,
                                          Tensor residual, Tensor y) {
        ConvGeometry g = ConvGeometry.of("conv2dPlus", x, w, bias, spec, y);
        if (shift != null) {
            ShapeCheck.requireShape("conv2dPlus", "shift", shift, g.batch(), g.outChannels());
        }
        if (residual != null) {
            ShapeCheck.requireSameShape("conv2dPlus", "residual", residual, "y", y);
            ShapeCheck.require(residual != y, "conv2dPlus", "residual must not be y itself");
        }
        return g;
    }

    /** {@link Backend#groupNorm}: the geometry, and y like x. */
    public static GroupNormGeometry groupNorm(Tensor x, Tensor gamma, Tensor beta, int groups, Tensor y, Tensor mean,
                                              Tensor rstd) {
        GroupNormGeometry g = GroupNormGeometry.of("groupNorm", x, gamma, beta, groups, mean, rstd);
        ShapeCheck.requireSameShape("groupNorm", "x", x, "y", y);
        return g;
    }

    /** {@link Backend#groupNormBackward}: the geometry, dy and dx like x, dγ per channel. */
    public static GroupNormGeometry groupNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor dy,
                                                      int groups, Tensor dx, Tensor dgamma, Tensor dbeta) {
        GroupNormGeometry g = GroupNormGeometry.of("groupNormBackward", x, gamma, dbeta, groups, mean, rstd);
        ShapeCheck.requireSameShape("groupNormBackward", "x", x, "dy", dy);
        if (dx != null) {
            ShapeCheck.requireSameShape("groupNormBackward", "x", x, "dx", dx);
        }
        if (dgamma != null) {
            ShapeCheck.requireShape("groupNormBackward", "dgamma", dgamma, g.channels());
        }
        return g;
    }

    /** {@link Backend#groupNormSiluBackward}: the geometry, and dz, dx and work like x. */
    public static GroupNormGeometry groupNormSiluBackward(Tensor x, Tensor gamma, Tensor beta, int groups, Tensor mean,
                                                          Tensor rstd, Tensor dz, Tensor dx, Tensor dgamma,
                                                          Tensor dbeta, Tensor work) {
        String op = "groupNormSiluBackward";
        GroupNormGeometry g = GroupNormGeometry.of(op, x, gamma, beta, groups, mean, rstd);
        ShapeCheck.requireSameShape(op, "x", x, "dz", dz);
        ShapeCheck.requireSameShape(op, "x", x, "dx", dx);
        ShapeCheck.requireSameShape(op, "x", x, "work", work);
        if (dgamma != null) {
            ShapeCheck.requireShape(op, "dgamma", dgamma, g.channels());
        }
        if (dbeta != null) {
            ShapeCheck.requireShape(op, "dbeta", dbeta, g.channels());
        }
        return g;
    }

    /** {@link Backend#attentionBackward}: the geometry, and each input's gradient shaped like it. */
    public static AttentionGeometry attentionBackward(Tensor q, Tensor k, Tensor v, Tensor probs, Tensor dout,
            Tensor dq, Tensor dk, Tensor dv) {
        AttentionGeometry g = AttentionGeometry.of("attentionBackward", q, k, v, dout, probs);
        ShapeCheck.requireSameShape("attentionBackward", "q", q, "dq", dq);
        ShapeCheck.requireSameShape("attentionBackward", "k", k, "dk", dk);
        ShapeCheck.requireSameShape("attentionBackward", "v", v, "dv", dv);
        return g;
    }

    /** 2× upsampling and its backward: {@code small} is {@code [N, C, H, W]}, {@code large} {@code [N, C, 2H, 2W]}. */
    public static void upsample2x(String op, String smallName, Tensor small, String largeName, Tensor large) {
        ShapeCheck.requireRank(op, smallName, small, 4);
        ShapeCheck.requireShape(op, largeName, large, small.dim(0), small.dim(1), 2 * small.dim(2), 2 * small.dim(3));
    }

    /** A binary element-wise op: a, b and out of one shape. */
    public static void elementwise(String op, Tensor a, Tensor b, Tensor out) {
        ShapeCheck.requireSameShape(op, "a", a, "b", b);
        ShapeCheck.requireSameShape(op, "a", a, "out", out);
    }

    /** {@link Backend#dropout}: p in [0, 1), y and mask like x. */
    public static void dropout(Tensor x, float p, Tensor y, Tensor mask) {
        DropoutMask.checkProbability(p);
        ShapeCheck.requireSameShape("dropout", "x", x, "y", y);
        ShapeCheck.requireSameShape("dropout", "x", x, "mask", mask);
    }

    /** {@link Backend#adamUpdate}: gradient and both moments like the parameter. */
    public static void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v) {
        ShapeCheck.requireSameShape("adamUpdate", "param", param, "grad", grad);
        ShapeCheck.requireSameShape("adamUpdate", "param", param, "m", m);
        ShapeCheck.requireSameShape("adamUpdate", "param", param, "v", v);
    }

    /** An op with one result per tensor: {@code out} holds one entry for each, and no tensor is null. */
    public static void perTensor(String op, List<Tensor> xs, double[] out) {
        if (xs == null || out == null) {
            throw new IllegalArgumentException(op + ": " + (xs == null ? "the list of tensors" : "out") + " is null");
        }
        if (out.length != xs.size()) {
            throw new IllegalArgumentException(op + ": " + xs.size() + " tensors but " + out.length
                    + " entries in out");
        }
        for (int i = 0; i < xs.size(); i++) {
            if (xs.get(i) == null) {
                throw new IllegalArgumentException(op + ": tensor " + i + " of " + xs.size() + " is null");
            }
        }
    }
}
