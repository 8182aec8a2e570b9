package org.legoemu.scomponent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.legoemu.fabric.Errnos;

class RootedPathResolverPropertyTest
{
    private static Path base;
    private static Path root;
    private static RootedPathResolver resolver;

    @BeforeContainer
    static void createTree() throws IOException
    {
        base = Files.createTempDirectory("rooted-resolver");
        root = Files.createDirectory(base.resolve("root"));
        Files.createDirectory(base.resolve("outside"));
        Files.writeString(base.resolve("outside/secret"), "secret");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/file"), "file");
        Files.createSymbolicLink(root.resolve("a/b/up"), Path.of("../../.."));
        Files.createSymbolicLink(root.resolve("abs"), base.resolve("outside").toAbsolutePath());
        Files.createSymbolicLink(root.resolve("a/rel"), Path.of("../../outside"));
        Files.createSymbolicLink(root.resolve("a/etc"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop/x"));
        resolver = new RootedPathResolver(root);
    }

    @AfterContainer
    static void deleteTree() throws IOException
    {
        try (var paths = Files.walk(base))
        {
            paths.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach((path) ->
            {
                try
                {
                    Files.delete(path);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            });
        }
    }

    @Provide
    Arbitrary<String> paths()
    {
        final Arbitrary<String> component = Arbitraries.of(
            List.of("..", ".", "", "a", "b", "up", "file", "abs", "rel", "etc", "loop", "outside", "secret", "passwd",
                "x"));
        return component.list().ofMaxSize(12).map((parts) -> String.join("/", parts))
            .flatMap((p) -> Arbitraries.of("/" + p, p.isEmpty() ? "." : p, "/" + p + "/"));
    }

    @Property(tries = 2000)
    void everyResolvedPathStaysInsideTheRoot(@ForAll("paths") final String path, @ForAll final boolean follow)
        throws IOException
    {
        try
        {
            final ResolvedPath resolved = resolver.resolve(path, follow);
            assertTrue(resolved.hostPath().normalize().startsWith(resolver.root()), path);
            final Path checked = resolved.exists() && !resolved.isSymbolicLink() ?
                resolved.hostPath() : resolved.hostPath().getParent();
            assertTrue(checked.toRealPath().startsWith(resolver.root()), path);
        }
        catch (final StorageException ex)
        {
            assertTrue(ex.errno() == Errnos.ENOENT || ex.errno() == Errnos.ENOTDIR || ex.errno() == Errnos.ELOOP,
                path + " gave errno " + ex.errno());
        }
    }
}
