package org.legoemu.emulator;

import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.GuestClock;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** The timing model's options (docs/modeled-time.md), shared by the commands that run guests. */
public final class ModelOptions
{
    @Option(names = "--fabric-model", paramLabel = "NAME", defaultValue = FabricProfile.DEFAULT,
        description = "Fabric profile of the timing model: legoos-ib40, ib-edr, roce-100g, cxl, tcp-10g or local "
            + "(default: ${DEFAULT-VALUE}; docs/modeled-time.md).")
    public String fabricModel = FabricProfile.DEFAULT;

    @Option(names = "--fabric-model-file", paramLabel = "FILE",
        description = "Read the fabric profile from FILE (key = value lines; docs/modeled-time.md) instead.")
    public Path fabricModelFile;

    @Option(names = "--guest-clock", paramLabel = "CLOCK", defaultValue = "host",
        description = "What the guest's clock_gettime, gettimeofday, nanosleep and rdtime/rdcycle CSRs see: host "
            + "or modeled time (default: ${DEFAULT-VALUE}).")
    public String guestClock = "host";

    /**
     * The profile chosen.
     *
     * @throws IllegalArgumentException for an unknown name, or a profile file that cannot be read or is malformed.
     */
    public FabricProfile profile()
    {
        if (fabricModelFile == null)
        {
            return FabricProfile.named(fabricModel);
        }
        try
        {
            return FabricProfile.load(fabricModelFile);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read fabric model file " + fabricModelFile + ": " + ex);
        }
    }

    /** What is wrong with these options (an unknown profile or clock, a bad profile file), or null. */
    public String problem()
    {
        try
        {
            profile();
            clock();
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
    }

    /**
     * The guest clock chosen.
     *
     * @throws IllegalArgumentException for a name other than host or modeled.
     */
    public GuestClock clock()
    {
        return GuestClock.named(guestClock);
    }
}
