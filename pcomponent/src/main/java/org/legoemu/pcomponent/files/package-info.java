/**
 * The pComponent's file cache: 4 KiB pages of sComponent files kept in front of the sComponent for read(2),
 * pread(2) and the first-touch fill of file mappings, with Linux-style read-ahead and a close-to-open consistency
 * rule (docs/architecture.md, "The file cache").
 */
package org.legoemu.pcomponent.files;
