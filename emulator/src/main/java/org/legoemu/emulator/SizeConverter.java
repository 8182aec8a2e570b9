package org.legoemu.emulator;

import picocli.CommandLine;

/** picocli converter for {@link Sizes} so options like {@code --excache 16MiB} parse with a clear error. */
public final class SizeConverter implements CommandLine.ITypeConverter<Long>
{
    @Override
    public Long convert(final String value)
    {
        try
        {
            return Sizes.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.TypeConversionException(ex.getMessage());
        }
    }
}
