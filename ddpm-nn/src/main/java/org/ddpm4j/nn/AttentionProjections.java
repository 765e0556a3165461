package org.ddpm4j.nn;

import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Conv2dSpec;
import org.ddpm4j.tensor.Tensor;

/**
 * The attention block's 1×1 projections of the normalised input h, in the two forms the block runs, forward and
 * backward, with their gradients taken back to the parameters the reference model stores: the qkv convolution
 * ({@code [3C, C, 1, 1]}, queries then keys then values) and the output projection.
 *
 * <p>Split: each role's convolution on its own ({@code W_q h + b_q, W_k h + b_k, W_v h + b_v}).
 *
 * <p>Folded: the products that make the key and value projections unnecessary. With {@code q_i = W_q h_i + b_q} and
 * {@code k_j = W_k h_j + b_k}, the score {@code q_i·k_j = (W_kᵀ q_i)·h_j + q_i·b_k}, and the last term is the same for
 * every key j, so the softmax over j drops it: the block may use {@code q̃_i = M h_i + b̃} with {@code M = W_kᵀ W_q},
 * {@code b̃ = W_kᵀ b_q} as queries and h itself as keys. The rows of P sum to one, so
 * {@code W_o Σ_j P_ij (W_v h_j + b_v) + b_o = Σ_j P_ij (A h_j + β)} with {@code A = W_o W_v},
 * {@code β = W_o b_v + b_o}: the values' projection and the output projection are one. (The key bias b_k thus has no
 * effect on the block's output, and its gradient is zero.)
 */
final class AttentionProjections {
    private static final Conv2dSpec POINTWISE = Conv2dSpec.pointwise();
    /** The roles, in the order the qkv convolution stores them. */
    private static final int QUERY = 0, KEY = 1, VALUE = 2, ROLES = 3;

    private final Backend be;
    private final int channels;
    private final Parameter qkvWeight, qkvBias, projWeight, projBias;

    /** Each role's weight {@code [C, C, 1, 1]} and bias {@code [C]}, split out of the qkv convolution. */
    private final Tensor[] weight = new Tensor[ROLES], bias = new Tensor[ROLES];
    /** Their gradients, gathered back into the qkv convolution's. */
    private final Tensor[] weightGrad = new Tensor[ROLES], biasGrad = new Tensor[ROLES];
    /** Two roles side by side: the keys and values while splitting, their gradients while gathering. */
    private final Tensor weightPair, biasPair;
    private final Tensor allWeightGrads, allBiasGrads;

    /** The folded queries' map M and bias b̃, the folded values' map A and bias β, and their gradients. */
    private final Tensor queryMap, queryBias, valueMap, valueBias;
    private final Tensor queryMapGrad, queryBiasGrad, valueMapGrad, valueBiasGrad;

    AttentionProjections(Backend be, int channels, Conv2d qkv, Conv2d proj) {
        this.be = be;
        this.channels = channels;
        this.qkvWeight = qkv.weight();
        this.qkvBias = qkv.bias();
        this.projWeight = proj.weight();
        this.projBias = proj.bias();
        for (int role = 0; role < ROLES; role++) {
            weight[role] = Tensor.zeros(channels, channels, 1, 1);
            bias[role] = Tensor.zeros(channels);
            weightGrad[role] = Tensor.zeros(channels, channels, 1, 1);
            biasGrad[role] = Tensor.zeros(channels);
        }
        weightPair = Tensor.zeros(1, 2, channels * channels);
        biasPair = Tensor.zeros(1, 2, channels);
        allWeightGrads = Tensor.zeros(1, ROLES, channels * channels);
        allBiasGrads = Tensor.zeros(1, ROLES, channels);
        queryMap = Tensor.zeros(channels, channels, 1, 1);
        queryBias = Tensor.zeros(channels);
        valueMap = Tensor.zeros(channels, channels, 1, 1);
        valueBias = Tensor.zeros(channels);
        queryMapGrad = queryMap.zerosLike();
        queryBiasGrad = queryBias.zerosLike();
        valueMapGrad = valueMap.zerosLike();
        valueBiasGrad = valueBias.zerosLike();
    }

    /** The block as written: each role's projection of {@code normed} into its own tensor. */
    void splitForward(Tensor normed, Tensor queries, Tensor keys, Tensor values) {
        split();
        Tensor[] into = {queries, keys, values};
        for (int role = 0; role < ROLES; role++) {
            be.conv2d(normed, weight[role], bias[role], POINTWISE, into[role]);
        }
    }

    /**
     * Backward of {@link #splitForward}: adds the roles' input gradients into {@code gNormed} and their weight and
     * bias gradients into the qkv convolution's.
     */
    void splitBackward(Tensor normed, Tensor gQueries, Tensor gKeys, Tensor gValues, Tensor gNormed) {
        Tensor[] from = {gQueries, gKeys, gValues};
        for (int role = 0; role < ROLES; role++) {
            be.conv2dBackward(normed, weight[role], from[role], POINTWISE, gNormed, weightGrad[role].zero(),
                    biasGrad[role].zero());
        }
        addSplitGradients();
    }

    /** The folded block: queries {@code M h + b̃} and values {@code A h + β} of {@code normed}. */
    void foldedForward(Tensor normed, Tensor queries, Tensor values) {
        split();
        fold();
        be.conv2d(normed, queryMap, queryBias, POINTWISE, queries);
        be.conv2d(normed, valueMap, valueBias, POINTWISE, values);
    }

    /**
     * Backward of {@link #foldedForward}: adds the input gradient into {@code gNormed} and the parameters' gradients
     * into theirs.
     */
    void foldedBackward(Tensor normed, Tensor gQueries, Tensor gValues, Tensor gNormed) {
        be.conv2dBackward(normed, queryMap, gQueries, POINTWISE, gNormed, queryMapGrad.zero(), queryBiasGrad.zero());
        be.conv2dBackward(normed, valueMap, gValues, POINTWISE, gNormed, valueMapGrad.zero(), valueBiasGrad.zero());
        addFoldedGradients();
    }

    /** Copies the qkv convolution's three roles out of its parameters (before every forward: optimisers move them). */
    private void split() {
        splitRoles(qkvWeight.value().reshape(1, ROLES, channels * channels), weight, weightPair, channels * channels);
        splitRoles(qkvBias.value().reshape(1, ROLES, channels), bias, biasPair, channels);
    }

    private void splitRoles(Tensor all, Tensor[] roles, Tensor pair, int size) {
        // splitChannelsBackward adds into its targets: they start at zero.
        Tensor query = roles[QUERY].reshape(1, 1, size).zero();
        be.splitChannelsBackward(all, query, pair.zero());
        be.splitChannelsBackward(pair, roles[KEY].reshape(1, 1, size).zero(), roles[VALUE].reshape(1, 1, size).zero());
    }

    /** Computes the folded maps from the split roles and the projection. */
    private void fold() {
        Tensor wq = matrix(weight[QUERY]), wk = matrix(weight[KEY]), wv = matrix(weight[VALUE]);
        Tensor wo = matrix(projWeight.value());
        be.matmul(wk, true, wq, false, matrix(queryMap), 1f, false);
        be.matmul(wk, true, column(bias[QUERY]), false, column(queryBias), 1f, false);
        be.matmul(wo, false, wv, false, matrix(valueMap), 1f, false);
        be.matmul(wo, false, column(bias[VALUE]), false, column(valueBias), 1f, false);
        be.add(valueBias, projBias.value(), valueBias);
    }

    /** Adds the split roles' gradients into the qkv convolution's. */
    private void addSplitGradients() {
        gather(weightGrad, weightPair, allWeightGrads, channels * channels, qkvWeight.grad());
        gather(biasGrad, biasPair, allBiasGrads, channels, qkvBias.grad());
    }

    private void gather(Tensor[] roles, Tensor pair, Tensor all, int size, Tensor into) {
        be.concatChannels(roles[KEY].reshape(1, 1, size), roles[VALUE].reshape(1, 1, size), pair);
        be.concatChannels(roles[QUERY].reshape(1, 1, size), pair, all);
        be.axpy(1f, all, into.reshape(1, ROLES, size));
    }

    /**
     * Takes the folded maps' gradients back to the parameters, by the chain rule through the products of
     * {@link #fold}: from M = W_kᵀ W_q and b̃ = W_kᵀ b_q, dW_q = W_k dM, dW_k = W_q dMᵀ + b_q db̃ᵀ,
     * db_q = W_k db̃ and db_k = 0; from A = W_o W_v and β = W_o b_v + b_o, dW_v = W_oᵀ dA, db_v = W_oᵀ dβ,
     * dW_o += dA W_vᵀ + dβ b_vᵀ and db_o += dβ.
     */
    private void addFoldedGradients() {
        Tensor wq = matrix(weight[QUERY]), wk = matrix(weight[KEY]), wv = matrix(weight[VALUE]);
        Tensor wo = matrix(projWeight.value());
        Tensor dM = matrix(queryMapGrad), dbTilde = column(queryBiasGrad);
        Tensor dA = matrix(valueMapGrad), dBeta = column(valueBiasGrad);
        be.matmul(wk, false, dM, false, matrix(weightGrad[QUERY]), 1f, false);
        be.matmul(wq, false, dM, true, matrix(weightGrad[KEY]), 1f, false);
        be.matmul(column(bias[QUERY]), false, dbTilde, true, matrix(weightGrad[KEY]), 1f, true);
        be.matmul(wk, false, dbTilde, false, column(biasGrad[QUERY]), 1f, false);
        biasGrad[KEY].zero();
        be.matmul(wo, true, dA, false, matrix(weightGrad[VALUE]), 1f, false);
        be.matmul(wo, true, dBeta, false, column(biasGrad[VALUE]), 1f, false);
        addSplitGradients();
        Tensor dWo = matrix(projWeight.grad());
        be.matmul(dA, false, wv, true, dWo, 1f, true);
        be.matmul(dBeta, false, column(bias[VALUE]), true, dWo, 1f, true);
        be.axpy(1f, valueBiasGrad, projBias.grad());
    }

    /** A {@code [C, C, 1, 1]} weight as the {@code [C, C]} matrix it is. */
    private Tensor matrix(Tensor w) {
        return w.reshape(channels, channels);
    }

    /** A {@code [C]} bias as a {@code [C, 1]} column. */
    private Tensor column(Tensor b) {
        return b.reshape(channels, 1);
    }
}
