package org.legoemu.fabric.proxy;

/**
 * Names of files unlinked (or renamed over) while a pComponent still has them open: NFS's "silly rename". The
 * pComponent renames such a file to {@code .lego-unlinked-p<owner>-<nonce>-<seq>} in the same directory and removes
 * it at its last close; the sComponent leaves these names out of directory listings and removes those whose owner
 * pComponent is no longer a live member. Shared by both sides so that they agree on the format.
 */
public final class UnlinkedNames
{
    /** Prefix of every hidden name. */
    public static final String PREFIX = ".lego-unlinked-p";

    private UnlinkedNames()
    {
    }

    /**
     * The hidden name for one file.
     *
     * @param ownerComponentId the pComponent's component id (GMM-assigned), -1 before it registered.
     * @param nonce            random per pComponent start, so two starts with one id never collide.
     * @param sequence         per pComponent start, increasing.
     */
    public static String name(final int ownerComponentId, final long nonce, final long sequence)
    {
        return PREFIX + ownerComponentId + '-' + Long.toHexString(nonce) + '-' + sequence;
    }

    /** True if {@code fileName} (one path component) is a hidden name. */
    public static boolean isUnlinked(final String fileName)
    {
        return fileName.startsWith(PREFIX);
    }

    /**
     * The owner pComponent's component id in a hidden name.
     *
     * @return the id, or {@link Integer#MIN_VALUE} if {@code fileName} is not a well-formed hidden name.
     */
    public static int owner(final String fileName)
    {
        if (!isUnlinked(fileName))
        {
            return Integer.MIN_VALUE;
        }
        final int end = fileName.indexOf('-', PREFIX.length() + 1);
        if (end < 0)
        {
            return Integer.MIN_VALUE;
        }
        try
        {
            return Integer.parseInt(fileName, PREFIX.length(), end, 10);
        }
        catch (final NumberFormatException ex)
        {
            return Integer.MIN_VALUE;
        }
    }
}
