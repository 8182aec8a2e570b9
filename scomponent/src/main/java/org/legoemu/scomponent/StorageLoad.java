package org.legoemu.scomponent;

import org.legoemu.fabric.proxy.HeartbeatLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The sComponent's heartbeat figures (X2G_HEARTBEAT, shown by {@code lego status}): the bytes of the regular files
 * under its root. The tree is walked at most once per {@code refreshIntervalNs}, on a daemon thread of its own, so
 * a large tree never delays a heartbeat; each heartbeat reports the last completed walk (0 before the first).
 * Thread-safe.
 */
final class StorageLoad implements HeartbeatLoad
{
    /** Default time between two walks of the root, nanoseconds (1 s). */
    static final long DEFAULT_REFRESH_INTERVAL_NS = 1_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(StorageLoad.class);

    private final Path root;
    private final long refreshIntervalNs;
    private final AtomicBoolean walking = new AtomicBoolean();
    private volatile long bytesStored;
    private volatile long lastWalkStartNs;
    private volatile boolean walkedOnce;

    /**
     * @param root              the directory the sComponent serves.
     * @param refreshIntervalNs minimum time between two walks, nanoseconds.
     */
    StorageLoad(final Path root, final long refreshIntervalNs)
    {
        this.root = root;
        this.refreshIntervalNs = refreshIntervalNs;
    }

    /** sComponent load is 0: the GMM places nothing by it. */
    @Override
    public long load()
    {
        return 0;
    }

    @Override
    public long bytesStored()
    {
        final long nowNs = System.nanoTime();
        if ((!walkedOnce || nowNs - lastWalkStartNs >= refreshIntervalNs) && walking.compareAndSet(false, true))
        {
            lastWalkStartNs = nowNs;
            walkedOnce = true;
            final Thread walker = new Thread(this::walk, "scomponent-bytes-stored");
            walker.setDaemon(true);
            walker.start();
        }
        return bytesStored;
    }

    /** Sums the sizes of the regular files under the root (symbolic links are not followed). */
    static long sumRegularFiles(final Path root) throws IOException
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            return paths.mapToLong(StorageLoad::regularFileSize).sum();
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
    }

    private void walk()
    {
        try
        {
            bytesStored = sumRegularFiles(root);
        }
        catch (final IOException ex)
        {
            LOG.debug("cannot sum the files under {}: {}", root, ex.toString());
        }
        finally
        {
            walking.set(false);
        }
    }

    private static long regularFileSize(final Path path)
    {
        try
        {
            final BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return attrs.isRegularFile() ? attrs.size() : 0;
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }
}
