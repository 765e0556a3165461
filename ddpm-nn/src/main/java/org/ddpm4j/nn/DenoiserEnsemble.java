package org.ddpm4j.nn;

import java.util.ArrayList;
import java.util.List;
import org.ddpm4j.tensor.Backend;
import org.ddpm4j.tensor.Tensor;

/**
 * The mean of several denoisers' outputs, itself a denoiser: its ε (and learned-variance v) is the average of its
 * members'. Independently trained networks err in different places, so their average errs less than each. A bound or a sampler given the ensemble measures or samples the averaged model; it is a single
 * model p_θ like any other.
 *
 * <p>Backward gives each member {@code gradOutput / K}, the gradient of the average, so the ensemble can also be
 * trained as one model; its {@link #parameters()} are all the members', in member order, under the members' own
 * names (save members one by one: a checkpoint refuses two parameters of the same name).
 */
public final class DenoiserEnsemble implements Denoiser {
    private final List<Denoiser> members;
    private Tensor output;
    private Tensor memberGrad;

    /** @param members at least one, all with the same output layout and number of classes */
    public DenoiserEnsemble(List<? extends Denoiser> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("denoiser ensemble: no members");
        }
        for (int i = 1; i < members.size(); i++) {
            if (members.get(i).numClasses() != members.get(0).numClasses()) {
                throw new IllegalArgumentException("denoiser ensemble: member " + i + " has "
                        + members.get(i).numClasses() + " classes, member 0 has " + members.get(0).numClasses());
            }
            if (members.get(i).backend() != members.get(0).backend()) {
                throw new IllegalArgumentException("denoiser ensemble: member " + i + " is on backend "
                        + members.get(i).backend().name() + ", member 0 on " + members.get(0).backend().name());
            }
        }
        this.members = List.copyOf(members);
    }

    /** The members' common backend. */
    @Override
    public Backend backend() {
        return members.get(0).backend();
    }

    @Override
    public Tensor forward(Tensor x, int[] timesteps, int[] labels, ForwardContext ctx) {
        for (int m = 0; m < members.size(); m++) {
            Tensor out = members.get(m).forward(x, timesteps, labels, ctx);
            if (m == 0) {
                output = Buffers.ensure(output, out.shape());
            } else if (!out.sameShape(output)) {
                throw new IllegalArgumentException("denoiser ensemble: member " + m + " output "
                        + out.shapeString() + " differs from member 0's " + output.shapeString());
            }
            float weight = 1f / members.size();
            if (m == 0) {
                backend().scale(out, weight, output);
            } else {
                backend().axpy(weight, out, output);
            }
        }
        return output;
    }

    @Override
    public void backward(Tensor gradOutput) {
        memberGrad = Buffers.ensure(memberGrad, gradOutput.shape());
        backend().scale(gradOutput, 1f / members.size(), memberGrad);
        for (Denoiser member : members) {
            member.backward(memberGrad);
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Denoiser member : members) {
            all.addAll(member.parameters());
        }
        return all;
    }

    @Override
    public int numClasses() {
        return members.get(0).numClasses();
    }
}
