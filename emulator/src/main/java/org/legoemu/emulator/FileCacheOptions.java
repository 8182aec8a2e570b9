package org.legoemu.emulator;

import picocli.CommandLine.Option;

/** The file cache option shared by {@code lego run}, {@code lego pcomponent} and {@code lego chaos}. */
public final class FileCacheOptions
{
    @Option(names = "--file-cache", paramLabel = "SIZE", defaultValue = "64MiB", converter = SizeConverter.class,
        description = "Size of each pComponent's file cache in front of the sComponent (read, pread and file "
            + "mappings; read-ahead up to 1MiB per request; close-to-open consistency); 0 disables it, and file "
            + "mappings are then filled by the home mComponent at mmap time (default: ${DEFAULT-VALUE}).")
    public long fileCacheBytes;
}
