package org.legoemu.emulator;

import org.legoemu.gmm.VRegionPlacement;
import picocli.CommandLine;

/** picocli converter for {@code --placement roundrobin|least-loaded|most-free}. */
public final class PlacementConverter implements CommandLine.ITypeConverter<VRegionPlacement>
{
    /** The option's help text, shared by {@code lego gmm} and {@code lego run}. */
    public static final String DESCRIPTION = "GMM vRegion placement (LegoOS 4.5): roundrobin (each new vRegion to "
        + "the next mComponent), least-loaded (fewest requests served in the last heartbeat interval; LegoOS's "
        + "default) or most-free (most free frames) (default: ${DEFAULT-VALUE}).";

    @Override
    public VRegionPlacement convert(final String value)
    {
        try
        {
            return VRegionPlacement.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException(ex.getMessage());
        }
    }
}
