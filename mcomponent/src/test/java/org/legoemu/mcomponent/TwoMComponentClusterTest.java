package org.legoemu.mcomponent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.ExecImage;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.gmm.GlobalManager;
import org.legoemu.gmm.GmmContext;
import org.legoemu.gmm.RoundRobinPolicy;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Mman;
import org.legoemu.scomponent.StorageContext;
import org.legoemu.scomponent.StorageMonitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A GMM, an sComponent and two mComponents over the in-JVM transport. */
class TwoMComponentClusterTest
{
    private static final long TIMEOUT_NS = 5_000_000_000L;
    private static final long PAGE = AddressLayout.PAGE_SIZE;
    private static final int PID = 1000;
    private static final int PCOMPONENT = 9;

    @TempDir
    Path root;
    private InJvmTransport transport;
    private GlobalManager gmm;
    private StorageMonitor storage;
    private MemoryMonitor m1;
    private MemoryMonitor m2;
    private GmmProxy gmmProxy;

    @BeforeEach
    void setUp() throws Exception
    {
        Files.copy(MemoryHandlersTest.GUESTS.resolve("hello"), root.resolve("hello"));
        transport = new InJvmTransport();
        final Endpoint any = new Endpoint(InJvmTransport.HOST, 0);
        gmm = new GlobalManager(new GmmContext().transport(transport).listenEndpoint(any)
            .vregionPlacementPolicy(new RoundRobinPolicy())).start();
        storage = new StorageMonitor(new StorageContext()
            .transport(transport).listenEndpoint(any).gmmEndpoint(gmm.endpoint()).rootDirectory(root)).start();
        m1 = new MemoryMonitor(new MemoryContext()
            .transport(transport).listen(any).gmmEndpoint(gmm.endpoint()).memoryBytes(256L << 20)
            .timeoutNs(TIMEOUT_NS)).start();
        m2 = new MemoryMonitor(new MemoryContext()
            .transport(transport).listen(any).gmmEndpoint(gmm.endpoint()).memoryBytes(64L << 30)
            .timeoutNs(TIMEOUT_NS)).start();
        gmmProxy = new GmmProxy(transport.connect(gmm.endpoint()), TIMEOUT_NS);
    }

    @AfterEach
    void tearDown()
    {
        for (final AutoCloseable c : new AutoCloseable[]{ m2, m1, storage, gmm, transport })
        {
            try
            {
                if (c != null)
                {
                    c.close();
                }
            }
            catch (final Exception ignore)
            {
                // best effort
            }
        }
    }

    @Test
    void monitorsRegisterWithTheirCapacity()
    {
        assertTrue(m1.componentId() > 0);
        assertNotEquals(m1.componentId(), m2.componentId());
        assertEquals((256L << 20) / PAGE, m1.frameCapacity());
        assertEquals(0, m1.framesInUse());
        assertEquals(m2.endpoint(), gmmProxy.lookupComponent(m2.componentId()).address());
    }

    @Test
    void execveMmapAcrossVRegionsAndExitFreesFramesOnBothOwners() throws Exception
    {
        final MemoryProxy home = new MemoryProxy(transport.connect(m1.endpoint()), TIMEOUT_NS);
        final ExecImage image = home.execve(PID, PCOMPONENT, "/hello", List.of("hello"), List.of("A=1"));
        assertEquals(0, image.stackPointer() & 15);
        assertTrue(image.stackPointer() > AddressLayout.STACK_START);

        final byte[] line = new byte[4096];
        final long entryPage = AddressLayout.pageDown(image.entry());
        final int prot = owner(AddressLayout.vregion(entryPage)).pcacheMiss(PID, PCOMPONENT, entryPage, 4, line);
        assertEquals(Mman.PROT_EXEC, prot & Mman.PROT_EXEC);
        final byte[] file = Files.readAllBytes(root.resolve("hello"));
        assertTrue(indexOf(file, Arrays.copyOfRange(line, (int)(image.entry() - entryPage),
            (int)(image.entry() - entryPage) + 16)) >= 0, "entry bytes come from the file");

        final long boundary = 5L << 30;
        final long addr = home.mmap(PID, boundary - 2 * PAGE, 4 * PAGE, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED);
        assertEquals(boundary - 2 * PAGE, addr);
        final int low = gmmProxy.vregionLookup(PID, 4).ownerId();
        final int high = gmmProxy.vregionLookup(PID, 5).ownerId();
        assertNotEquals(low, high, "consecutive new vRegions go to different mComponents");

        final byte[] data = new byte[4096];
        Arrays.fill(data, (byte)0x42);
        for (long page = addr; page < addr + 4 * PAGE; page += PAGE)
        {
            final MemoryProxy owner = owner(AddressLayout.vregion(page));
            assertEquals(3, owner.pcacheMiss(PID, PCOMPONENT, page, 2, line));
            assertArrayEquals(new byte[4096], line);
            owner.pcacheFlush(PID, PCOMPONENT, page, data);
            owner.pcacheMiss(PID, PCOMPONENT, page, 1, line);
            assertArrayEquals(data, line);
        }
        assertTrue(m1.framesInUse() > 0);
        assertTrue(m2.framesInUse() > 0);

        home.munmap(PID, addr, 4 * PAGE);
        final RemoteErrorException gone = assertThrows(RemoteErrorException.class,
            () -> owner(5).pcacheMiss(PID, PCOMPONENT, boundary, 1, line));
        assertEquals(Errno.EFAULT, gone.errno());

        final long total = m1.framesInUse() + m2.framesInUse();
        assertEquals(total, home.processExit(PID));
        assertEquals(0, m1.framesInUse());
        assertEquals(0, m2.framesInUse());
    }

    @Test
    void ownersThatAreNotTheHomeServeOnlyThePComponentTheHomeNamed()
    {
        final MemoryProxy home = new MemoryProxy(transport.connect(m1.endpoint()), TIMEOUT_NS);
        home.execve(PID, PCOMPONENT, "/hello", List.of("hello"), List.of());
        final long boundary = 5L << 30;
        final long addr = home.mmap(PID, boundary - PAGE, 2 * PAGE, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED);
        final byte[] line = new byte[4096];
        try (AdapterWarnings warnings = new AdapterWarnings())
        {
            for (long page = addr; page < addr + 2 * PAGE; page += PAGE)
            {
                final MemoryProxy owner = owner(AddressLayout.vregion(page));
                final long at = page;
                assertEquals(Errno.EPERM, assertThrows(RemoteErrorException.class,
                    () -> owner.pcacheMiss(PID, PCOMPONENT + 1, at, 1, line)).errno());
                assertEquals(Errno.EPERM, assertThrows(RemoteErrorException.class,
                    () -> owner.pcacheFlush(PID, PCOMPONENT + 1, at, line)).errno());
                assertEquals(3, owner.pcacheMiss(PID, PCOMPONENT, page, 2, line));
            }
            assertEquals(4, warnings.lines().stream()
                .filter(l -> l.endsWith("of pid 1000 from pComponent 10: the process runs on pComponent 9")).count(),
                warnings.lines().toString());
        }
        assertNotEquals(gmmProxy.vregionLookup(PID, 4).ownerId(), gmmProxy.vregionLookup(PID, 5).ownerId(),
            "one of the two owners is not the home");
    }

    @Test
    void forkCopiesFramesOnAnOwnerThatIsNotTheHome()
    {
        final int child = PID + 1;
        final MemoryProxy home = new MemoryProxy(transport.connect(m1.endpoint()), TIMEOUT_NS);
        home.execve(PID, PCOMPONENT, "/hello", List.of("hello"), List.of());
        final long boundary = 5L << 30;
        final long addr = home.mmap(PID, boundary - PAGE, 2 * PAGE, Mman.PROT_READ | Mman.PROT_WRITE,
            Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | Mman.MAP_FIXED);
        assertNotEquals(gmmProxy.vregionLookup(PID, 4).ownerId(), gmmProxy.vregionLookup(PID, 5).ownerId(),
            "one of the two owners is not the home");
        final byte[] line = new byte[4096];
        for (long page = addr; page < addr + 2 * PAGE; page += PAGE)
        {
            final byte[] data = new byte[4096];
            Arrays.fill(data, (byte)(page >>> 12));
            owner(AddressLayout.vregion(page)).pcacheFlush(PID, PCOMPONENT, page, data);
        }
        final long before = m1.framesInUse() + m2.framesInUse();

        final long copied = home.fork(PID, child, PCOMPONENT);
        assertEquals(before, copied);

        assertEquals(2 * before, m1.framesInUse() + m2.framesInUse());
        for (long page = addr; page < addr + 2 * PAGE; page += PAGE)
        {
            final MemoryProxy owner = owner(AddressLayout.vregion(page));
            final byte[] data = new byte[4096];
            Arrays.fill(data, (byte)(page >>> 12));
            owner.pcacheMiss(child, PCOMPONENT, page, 1, line);
            assertArrayEquals(data, line, "the child reads the parent's page 0x" + Long.toHexString(page));
            owner.pcacheFlush(child, PCOMPONENT, page, new byte[4096]);
            owner.pcacheMiss(PID, PCOMPONENT, page, 1, line);
            assertArrayEquals(data, line, "the child's write does not show in the parent");
        }
        home.processExit(child);
        assertEquals(before, m1.framesInUse() + m2.framesInUse(), "the child's exit frees its copy everywhere");
        home.processExit(PID);
        assertEquals(0, m1.framesInUse() + m2.framesInUse());
    }

    @Test
    void execveOfMissingFileIsEnoent()
    {
        final MemoryProxy home = new MemoryProxy(transport.connect(m1.endpoint()), TIMEOUT_NS);
        final RemoteErrorException ex = assertThrows(RemoteErrorException.class,
            () -> home.execve(PID, PCOMPONENT, "/missing", List.of("missing"), List.of()));
        assertEquals(Errno.ENOENT, ex.errno());
    }

    private final Map<Integer, MemoryProxy> proxies = new java.util.HashMap<>();

    private MemoryProxy owner(final int vregion)
    {
        final VRegionOwner owner = gmmProxy.vregionLookup(PID, vregion);
        return proxies.computeIfAbsent(owner.ownerId(),
            id -> new MemoryProxy(transport.connect(owner.ownerAddress()), TIMEOUT_NS));
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
