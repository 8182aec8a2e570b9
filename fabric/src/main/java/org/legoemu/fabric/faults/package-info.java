/**
 * Fault injection for the fabric: seeded {@link org.legoemu.fabric.faults.FaultSchedule fault schedules} and a
 * {@link org.legoemu.fabric.faults.FaultInjector} that applies them to a cluster sharing one transport (drop,
 * delay, duplicate, reorder, partition, slow, crash), for the chaos harness and tests.
 */
package org.legoemu.fabric.faults;
