package org.ddpm4j.nn;

import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * The attention block's 1×1 weights in the two forms its forward uses, and the way their gradients go back to the
 * parameters the reference model stores: the qkv convolution ({@code [3C, C, 1, 1]}, queries then keys then values)
 * and the output projection.
 *
 * <p>Split: each role's weight and bias on its own ({@code W_q, b_q, W_k, ...}).
 *
 * <p>Folded: the products that make the key and value projections unnecessary. With {@code q_i = W_q h_i + b_q} and
 * {@code k_j = W_k h_j + b_k}, the score {@code q_i·k_j = (W_kᵀ q_i)·h_j + q_i·b_k}, and the last term is the same for
 * every key j, so the softmax over j drops it: the block may use {@code q̃_i = M h_i + b̃} with {@code M = W_kᵀ W_q},
 * {@code b̃ = W_kᵀ b_q} as queries and h itself as keys. The rows of P sum to one, so
 * {@code W_o Σ_j P_ij (W_v h_j + b_v) + b_o = Σ_j P_ij (A h_j + β)} with {@code A = W_o W_v},
 * {@code β = W_o b_v + b_o}: the values' projection and the output projection are one. (The key bias b_k thus has no
 * effect on the block's output, and its gradient is zero.)
 */
final class AttentionWeights {
    /** The roles, in the order the qkv convolution stores them. */
    static final int QUERY = 0, KEY = 1, VALUE = 2;
    private static final int ROLES = 3;

    private final Backend be;
    private final int channels;
    private final Parameter qkvWeight, qkvBias, projWeight, projBias;

    /** Each role's weight {@code [C, C, 1, 1]} and bias {@code [C]}, split out of the qkv convolution. */
    private final Tensor[] weight = new Tensor[ROLES], bias = new Tensor[ROLES];
    /** Their gradients, gathered back into the qkv convolution's by {@link #addSplitGradients}. */
    private final Tensor[] weightGrad = new Tensor[ROLES], biasGrad = new Tensor[ROLES];
    /** Two roles side by side: the keys and values while splitting, their gradients while gathering. */
    private final Tensor weightPair, biasPair;
    private final Tensor allWeightGrads, allBiasGrads;

    /** The folded queries' map M and bias b̃, the folded values' map A and bias β, and their gradients. */
    private final Tensor queryMap, queryBias, valueMap, valueBias;
    private final Tensor queryMapGrad, queryBiasGrad, valueMapGrad, valueBiasGrad;

    AttentionWeights(Backend be, int channels, Conv2d qkv, Conv2d proj) {
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

    /** Copies the qkv convolution's three roles out of its parameters (before every forward: optimisers move them). */
    void split() {
        splitRoles(qkvWeight.value().reshape(1, ROLES, channels * channels), weight, weightPair, channels * channels);
        splitRoles(qkvBias.value().reshape(1, ROLES, channels), bias, biasPair, channels);
    }

    private void splitRoles(Tensor all, Tensor[] roles, Tensor pair, int size) {
        // splitChannelsBackward adds into its targets: they start at zero.
        Tensor query = roles[QUERY].reshape(1, 1, size).zero();
        be.splitChannelsBackward(all, query, pair.zero());
        be.splitChannelsBackward(pair, roles[KEY].reshape(1, 1, size).zero(), roles[VALUE].reshape(1, 1, size).zero());
    }

    /** Computes the folded maps from the split roles and the projection (after {@link #split}). */
    void fold() {
        Tensor wq = matrix(weight[QUERY]), wk = matrix(weight[KEY]), wv = matrix(weight[VALUE]);
        Tensor wo = matrix(projWeight.value());
        be.matmul(wk, true, wq, false, matrix(queryMap), 1f, false);
        be.matmul(wk, true, column(bias[QUERY]), false, column(queryBias), 1f, false);
        be.matmul(wo, false, wv, false, matrix(valueMap), 1f, false);
        be.matmul(wo, false, column(bias[VALUE]), false, column(valueBias), 1f, false);
        be.add(valueBias, projBias.value(), valueBias);
    }

    Tensor weight(int role) {
        return weight[role];
    }

    Tensor bias(int role) {
        return bias[role];
    }

    Tensor queryMap() {
        return queryMap;
    }

    Tensor queryBias() {
        return queryBias;
    }

    Tensor valueMap() {
        return valueMap;
    }

    Tensor valueBias() {
        return valueBias;
    }

    /** The split roles' gradient buffers, zeroed: a backward adds into them, then calls {@link #addSplitGradients}. */
    void zeroSplitGradients() {
        for (int role = 0; role < ROLES; role++) {
            weightGrad[role].zero();
            biasGrad[role].zero();
        }
    }

    Tensor weightGrad(int role) {
        return weightGrad[role];
    }

    Tensor biasGrad(int role) {
        return biasGrad[role];
    }

    /** Adds the split roles' gradients into the qkv convolution's. */
    void addSplitGradients() {
        gather(weightGrad, weightPair, allWeightGrads, channels * channels, qkvWeight.grad());
        gather(biasGrad, biasPair, allBiasGrads, channels, qkvBias.grad());
    }

    private void gather(Tensor[] roles, Tensor pair, Tensor all, int size, Tensor into) {
        be.concatChannels(roles[KEY].reshape(1, 1, size), roles[VALUE].reshape(1, 1, size), pair);
        be.concatChannels(roles[QUERY].reshape(1, 1, size), pair, all);
        be.axpy(1f, all, into.reshape(1, ROLES, size));
    }

    /** The folded maps' gradient buffers, zeroed: a backward adds into them, then calls {@link #addFoldedGradients}. */
    void zeroFoldedGradients() {
        queryMapGrad.zero();
        queryBiasGrad.zero();
        valueMapGrad.zero();
        valueBiasGrad.zero();
    }

    Tensor queryMapGrad() {
        return queryMapGrad;
    }

    Tensor queryBiasGrad() {
        return queryBiasGrad;
    }

    Tensor valueMapGrad() {
        return valueMapGrad;
    }

    Tensor valueBiasGrad() {
        return valueBiasGrad;
    }

    /**
     * Takes the folded maps' gradients back to the parameters, by the chain rule through the products of
     * {@link #fold}: from M = W_kᵀ W_q and b̃ = W_kᵀ b_q, dW_q = W_k dM, dW_k = W_q dMᵀ + b_q db̃ᵀ,
     * db_q = W_k db̃ and db_k = 0; from A = W_o W_v and β = W_o b_v + b_o, dW_v = W_oᵀ dA, db_v = W_oᵀ dβ,
     * dW_o += dA W_vᵀ + dβ b_vᵀ and db_o += dβ.
     */
    void addFoldedGradients() {
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
