package org.legoemu.emulator;

import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.pcomponent.ProcessorContext;
import org.legoemu.pcomponent.ProcessorMonitor;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.GuestClock;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every member takes the GMM's fabric profile unless told otherwise, and the status names it. */
class ClusterFabricModelTest
{
    @Test
    void aPComponentWithoutItsOwnProfileModelsWithTheGmms()
    {
        final EmbeddedCluster.Config config = new EmbeddedCluster.Config(1, 1, 1L << 20, 8, "lru", 1L << 28,
            Path.of("/"), "inproc").withModel(FabricProfile.CXL, GuestClock.HOST);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config))
        {
            final GmmProxy gmm = new GmmProxy(cluster.transport().connect(cluster.gmm().endpoint()),
                EmbeddedCluster.DEFAULT_TIMEOUT_NS);
            assertEquals("cxl", gmm.status().fabricModel());
            gmm.client().close();
            try (ProcessorMonitor fromGmm = new ProcessorMonitor(new ProcessorContext()
                    .transport(cluster.transport()).listen(new Endpoint("inproc", 0)).gmm(cluster.gmm().endpoint())
                    .fabricModelFromGmm(true)).start();
                 ProcessorMonitor own = new ProcessorMonitor(new ProcessorContext()
                    .transport(cluster.transport()).listen(new Endpoint("inproc", 0)).gmm(cluster.gmm().endpoint()))
                    .start())
            {
                assertEquals("cxl", fromGmm.model().profile().name());
                assertEquals(FabricProfile.DEFAULT, own.model().profile().name(), "its own profile wins");
            }
        }
    }
}
