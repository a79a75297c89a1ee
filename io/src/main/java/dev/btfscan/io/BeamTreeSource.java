package dev.btfscan.io;

import dev.btfscan.io.pkg.TreeSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/** A directory on any Beam filesystem, listed with a recursive {@code **} match. */
final class BeamTreeSource implements TreeSource {
  private final String directory;

  /** {@code directory} must end with '/'. */
  BeamTreeSource(String directory) {
    this.directory = directory;
  }

  @Override
  public List<TreeFile> files() throws IOException {
    MatchResult match = FileSystems.match(directory + "**", EmptyMatchTreatment.ALLOW);
    List<TreeFile> files = new ArrayList<>();
    List<String> ownOutputs = new ArrayList<>(); // directories holding the marker, '/'-terminated
    for (MatchResult.Metadata m : match.metadata()) {
      if (m.resourceId().isDirectory()) {
        continue;
      }
      String id = m.resourceId().toString();
      String relative = id.startsWith(directory) ? id.substring(directory.length()) : m.resourceId().getFilename();
      if (relative.equals(OWN_OUTPUT_MARKER) || relative.endsWith("/" + OWN_OUTPUT_MARKER)) {
        ownOutputs.add(relative.substring(0, relative.length() - OWN_OUTPUT_MARKER.length()));
      }
      files.add(new TreeFile(relative, m.sizeBytes(), id));
    }
    files.removeIf(f -> ownOutputs.stream().anyMatch(dir -> f.relativePath().startsWith(dir)));
    return files;
  }

  @Override
  public InputStream open(TreeFile file) throws IOException {
    return Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(file.location(), false)));
  }
}
