package org.legoemu.emulator.daemon;

import org.legoemu.fabric.Endpoint;
import picocli.CommandLine;

/** picocli converter for {@code HOST:PORT} options. */
public final class EndpointConverter implements CommandLine.ITypeConverter<Endpoint>
{
    @Override
    public Endpoint convert(final String value)
    {
        try
        {
            return Endpoint.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException(ex.getMessage());
        }
    }
}
