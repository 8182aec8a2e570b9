package org.legoemu.gmm;

/**
 * The load figures a component reports in X2G_HEARTBEAT only for {@code lego status} (placement does not use them).
 *
 * @param threads          pComponent: live guest threads; others 0.
 * @param excacheLinesUsed pComponent: valid 4 KiB lines in its ExCache; others 0.
 * @param bytesStored      sComponent: bytes in the regular files under its root; others 0.
 */
public record StatusFigures(long threads, long excacheLinesUsed, long bytesStored)
{
    /** Before the first heartbeat that carries figures. */
    public static final StatusFigures NONE = new StatusFigures(0, 0, 0);

    /**
     * @throws GmmException EINVAL when a figure is negative.
     */
    public StatusFigures
    {
        if (threads < 0 || excacheLinesUsed < 0 || bytesStored < 0)
        {
            throw new GmmException(org.legoemu.fabric.Errnos.EINVAL, "negative heartbeat figure: threads " + threads +
                ", excacheLinesUsed " + excacheLinesUsed + ", bytesStored " + bytesStored);
        }
    }
}
