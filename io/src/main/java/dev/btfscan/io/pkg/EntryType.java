package dev.btfscan.io.pkg;

/** What an archive entry is. Only REGULAR entries carry content for the visitor. */
public enum EntryType {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  HARDLINK,
  /** Devices, fifos, sockets: listed, never read. */
  OTHER
}
