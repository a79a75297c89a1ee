package dev.btfscan.btf;

/**
 * Tells split from standalone BTF by evidence in the bytes, not by trying one reading and
 * catching the failure (the approach the seed RFC started with and the list moved away from).
 *
 * <p>The decisive fact is the first byte of the string section: libbpf and the kernel require a
 * base or standalone section to start with the empty string, and a split section starts with its
 * first own name. Name offsets and type ids then corroborate: standalone BTF never points past
 * its own strings or types.
 */
public final class BtfClassifier {
  private BtfClassifier() {}

  /** The form and the evidence for it. */
  public record Classification(BtfForm form, String evidence) {}

  /** Classifies {@code framed}: the module's blob parsed without a base. */
  public static Classification classify(Btf framed) {
    int strLen = framed.stringsLength();
    OwnReferences refs = framed.ownReferences();
    long maxName = refs.maxName;
    long maxId = refs.maxTypeId;
    boolean startsWithNul = strLen > 0 && framed.stringByte(0) == 0;
    boolean namesInside = maxName < strLen;
    boolean idsInside = maxId <= framed.typeCount();
    if (startsWithNul && namesInside && !idsInside) {
      // Split BTF never starts with the empty string, and every name is its own: standalone BTF
      // whose references are broken, for validation to report, not a split module.
      return new Classification(BtfForm.STANDALONE,
          "string section starts with the empty string and every name offset (max " + maxName
              + ") stays within its own " + strLen + " string bytes, but type ids reach " + maxId
              + " past its " + framed.typeCount() + " types: standalone with references out of range");
    }
    if (startsWithNul && namesInside && idsInside) {
      return new BtfClassifier.Classification(BtfForm.STANDALONE,
          "string section starts with the empty string and every name offset (max " + maxName
              + ") and type id (max " + maxId + ") stays within its own " + strLen
              + " string bytes and " + framed.typeCount() + " types");
    }
    if (startsWithNul) {
      return new Classification(BtfForm.SPLIT,
          "string section starts with the empty string like standalone BTF, but "
              + (namesInside ? "" : "name offsets reach " + maxName + " past its " + strLen + " bytes")
              + (!namesInside && !idsInside ? " and " : "")
              + (idsInside ? "" : "type ids reach " + maxId + " past its " + framed.typeCount() + " types")
              + ": read as split");
    }
    String first = strLen == 0 ? "no string section of its own" : "string section does not start with the empty string";
    return new Classification(BtfForm.SPLIT,
        first + "; name offsets reach " + maxName + " and type ids " + maxId + " (own: "
            + strLen + " string bytes, " + framed.typeCount() + " types)");
  }
}
