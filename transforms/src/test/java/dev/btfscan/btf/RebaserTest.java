package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.btf.BaseReference.Status;
import dev.btfscan.testing.RealBtf;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Rebasing split BTF onto another build, and explaining what stops it. */
class RebaserTest {

  static int info(BtfKind kind, int vlen) {
    return kind.code() << 24 | vlen;
  }

  /**
   * Build 1: [1] int, [2] long, [3] struct sk_buff {int len}, [4] ptr->3, [5] struct gone {int x},
   * [6] struct dev {int a}. Build 2 differs in chosen ways: an extra type first moves everything
   * by one; sk_buff stays; dev grows a member; gone is gone.
   */
  static Btf build(boolean second) throws Exception {
    BtfBuilder b = new BtfBuilder(null);
    int shift = 0;
    if (second) {
      b.addType(new int[] {b.addString("char"), info(BtfKind.INT, 0), 1, 0x02000008});
      shift = 1;
    }
    b.addType(new int[] {b.addString("int"), info(BtfKind.INT, 0), 4, 0x01000020});
    b.addType(new int[] {b.addString("long"), info(BtfKind.INT, 0), 8, 0x01000040});
    b.addType(new int[] {b.addString("sk_buff"), info(BtfKind.STRUCT, 1), 4, b.addString("len"), 1 + shift, 0});
    b.addType(new int[] {0, info(BtfKind.PTR, 0), 3 + shift});
    if (!second) {
      b.addType(new int[] {b.addString("gone"), info(BtfKind.STRUCT, 1), 4, b.addString("x"), 1, 0});
      b.addType(new int[] {b.addString("dev"), info(BtfKind.STRUCT, 1), 4, b.addString("a"), 1, 0});
    } else {
      b.addType(new int[] {b.addString("dev"), info(BtfKind.STRUCT, 2), 8, b.addString("a"), 1 + shift, 0, b.addString("b"), 1 + shift, 32});
    }
    return BtfParser.parse(b.build(ByteOrder.LITTLE_ENDIAN));
  }

  /** A module on build 1 using: struct sk_buff * (via [4]) and optionally gone and dev by value. */
  static Btf module(Btf base, boolean usesGoneAndDev) throws Exception {
    BtfBuilder m = new BtfBuilder(base);
    int members = usesGoneAndDev ? 3 : 1;
    int[] rec = new int[3 + 3 * members];
    rec[0] = m.addString("mod_state");
    rec[1] = info(BtfKind.STRUCT, members);
    rec[2] = 8 + (usesGoneAndDev ? 8 : 0);
    rec[3] = m.addString("skb");
    rec[4] = 4;
    rec[5] = 0;
    if (usesGoneAndDev) {
      rec[6] = m.addString("g");
      rec[7] = 5;
      rec[8] = 64;
      rec[9] = m.addString("d");
      rec[10] = 6;
      rec[11] = 96;
    }
    m.addType(rec);
    return BtfParser.parse(m.build(ByteOrder.LITTLE_ENDIAN), base);
  }

  @Test
  void moduleWhoseReferencedTypesOnlyMovedIsRebasedWithNamesAndKindsKept() throws Exception {
    Btf old = build(false);
    Btf next = build(true);
    Btf mod = module(old, false);
    Rebaser.Result r = Rebaser.rebase(mod, BaseIndex.of(next));
    assertTrue(r.rebased());
    BaseReference ptr = r.references().get(0);
    assertEquals(Status.MOVED, ptr.status());
    assertEquals(4, ptr.oldId());
    assertEquals(5, ptr.newId());
    assertEquals("STRUCT 'sk_buff'", ptr.landsOn(), "id 4 now lands on another type: 'wrong' if read as is");
    Btf rebased = BtfParser.parse(r.blob(), next);
    int own = rebased.startId();
    assertEquals("mod_state", rebased.name(own));
    assertEquals(5, rebased.word(own, 4), "member skb now points at the moved PTR");
    assertEquals("sk_buff", rebased.name(rebased.sizeOrType(5)));
  }

  @Test
  void changedAndVanishedTypesBlockTheRebaseAndAreExplainedWithTheirUsers() throws Exception {
    Btf old = build(false);
    Btf next = build(true);
    Rebaser.Result r = Rebaser.rebase(module(old, true), BaseIndex.of(next));
    assertNull(r.blob());
    Map<Integer, BaseReference> byId = r.references().stream()
        .collect(Collectors.toMap(BaseReference::oldId, Function.identity()));
    assertEquals(Status.MOVED, byId.get(4).status());
    BaseReference gone = byId.get(5);
    assertEquals(Status.GONE, gone.status());
    assertEquals("[5] STRUCT 'gone' gone; id 5 is now PTR '(anon)' (used by STRUCT 'mod_state'.member 'g')", gone.toString());
    BaseReference dev = byId.get(6);
    assertEquals(Status.CHANGED, dev.status());
    assertEquals("size 4 -> 8", dev.detail());
    assertEquals(1, r.count(Status.CHANGED));
  }

  @Test
  void realDebianModuleFrom47IsExplainedReferenceByReferenceAgainst53() throws Exception {
    Btf mod = RealBtf.module("modules/" + RealBtf.R47 + "/af_key.ko", RealBtf.R47);
    Rebaser.Result r = Rebaser.rebase(mod, BaseIndex.of(RealBtf.vmlinux(RealBtf.R53)));
    assertTrue(r.references().size() > 50, "af_key references many vmlinux types");
    assertEquals(0, r.count(Status.GONE));
    assertTrue(r.count(Status.MOVED) > 0, "ids moved between the two builds");
    assertTrue(r.strings().unchanged() + r.strings().moved() > 0, "af_key names members by vmlinux strings");
    assertTrue(r.strings().moved() > 0, "the 53 string section differs from the 47 one: " + r.strings());
    assertEquals(0, r.strings().gone(), r.strings().toString());
    // af_key only holds pointers to the structs that changed between the builds, so it rebases.
    assertTrue(r.rebased(), () -> r.references().stream().filter(x -> x.newId() < 0).map(Object::toString).collect(Collectors.joining("\n")));
    Btf rebased = BtfParser.parse(r.blob(), RealBtf.vmlinux(RealBtf.R53));
    for (int i = 0; i < mod.typeCount(); i++) {
      assertEquals(mod.kind(mod.startId() + i), rebased.kind(rebased.startId() + i));
      assertEquals(mod.name(mod.startId() + i), rebased.name(rebased.startId() + i));
    }
  }
}
