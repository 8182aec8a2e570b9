package org.legoemu.emulator;

import org.legoemu.gmm.Replication;
import picocli.CommandLine;

/** picocli converter for {@code --replication off|log}. */
public final class ReplicationConverter implements CommandLine.ITypeConverter<Replication>
{
    /** The option's help text, shared by {@code lego gmm}, {@code lego run} and {@code lego chaos}. */
    public static final String DESCRIPTION = "Memory replication (LegoOS 4.7): log (each vRegion's secondary "
        + "mComponent keeps a log of its flushed lines and VMA changes, batched to a backup file on the sComponent; "
        + "a flush is acknowledged once both hold it, and a DEAD primary's secondary takes over) or off. Needs two "
        + "or more mComponents (default: ${DEFAULT-VALUE}).";

    @Override
    public Replication convert(final String value)
    {
        try
        {
            return Replication.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException(ex.getMessage());
        }
    }
}
