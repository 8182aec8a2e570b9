package org.legoemu.emulator.daemon;

/**
 * The daemon cluster's rule for the timing model (docs/modeled-time.md, "A daemon cluster"): the GMM names the
 * cluster's fabric profile ({@code lego gmm --fabric-model}) and tells every member at registration; a member started
 * with {@code --fabric-model NAME} states which profile it expects and refuses to join a cluster that models another,
 * so that no two pComponents of one cluster report figures under different profiles by mistake. A pComponent with
 * {@code --fabric-model-file} models with that file's numbers (a GMM names profiles only) and says so.
 */
final class ClusterModelRule
{
    private ClusterModelRule()
    {
    }

    /**
     * Checks a member's expected profile against the cluster's.
     *
     * @param kind     the member's command, for the message (pcomponent, mcomponent).
     * @param expected the {@code --fabric-model} the member was given, or null if none.
     * @param cluster  the GMM's profile name from the registration reply (empty from a GMM before schema 6).
     * @throws IllegalStateException if the member expected a profile and the cluster models another.
     */
    static void check(final String kind, final String expected, final String cluster)
    {
        if (expected != null && !cluster.isEmpty() && !expected.equals(cluster))
        {
            throw new IllegalStateException("this cluster models fabric profile " + cluster + " (lego gmm "
                + "--fabric-model) and every member models with the GMM's; this " + kind + " was started with "
                + "--fabric-model " + expected + ": start it without, or the GMM with --fabric-model " + expected);
        }
    }
}
