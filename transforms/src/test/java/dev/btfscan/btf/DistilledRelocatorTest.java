package dev.btfscan.btf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.btfscan.fixtures.Fixtures;
import dev.btfscan.testing.RealBtf;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Relocating split BTF from its distilled base ({@code .BTF.base}) onto a full vmlinux. */
class DistilledRelocatorTest {

  static int info(BtfKind kind, int vlen) {
    return kind.code() << 24 | vlen;
  }

  static final int SIGNED_INT = 0x01000020;

  @Nested
  class RealDistilledModule {
    /** pahole 1.30's distilled base and split BTF of the out-of-tree module. */
    Btf distilledModule() throws Exception {
      byte[] base = Fixtures.bytes("oot/btfscan_demo-distilled.base.btf");
      byte[] split = Fixtures.bytes("oot/btfscan_demo-distilled.btf");
      return BtfParser.parse(split, BtfParser.parse(base));
    }

    @Test
    void theFixtureIsADistilledBaseAndSplitBtfOnIt() throws Exception {
      Btf module = distilledModule();
      assertEquals(List.of(), DistilledRelocator.checkDistilledBase(module.base()));
      assertEquals(12, module.base().typeCount());
      assertEquals(13, module.startId());
      assertEquals(62, module.typeCount());
      assertEquals(RealBtf.fixtureText("oot/btfscan_demo-distilled.ko.bpftool-distilled.txt"), BtfDumper.dump(module));
    }

    @ParameterizedTest(name = "onto {0}")
    @CsvSource({RealBtf.R53 + ", 53", RealBtf.R47 + ", 47"})
    void relocatedModuleDumpsAsBpftoolRelocatedIt(String release, String tag) throws Exception {
      Btf vmlinux = RealBtf.vmlinux(release);
      DistilledRelocator.Result r = DistilledRelocator.relocate(distilledModule(), BaseIndex.of(vmlinux));
      assertEquals(List.of(), r.failures());
      assertTrue(r.relocated());
      Btf relocated = BtfParser.parse(r.blob(), vmlinux);
      assertEquals(vmlinux.endId(), relocated.startId());
      assertEquals(RealBtf.fixtureText("oot/btfscan_demo-distilled.ko.bpftool-relocated-" + tag + ".txt"), BtfDumper.dump(relocated));
      assertEquals(0, BtfValidator.validate(relocated).errorCount(), BtfValidator.validate(relocated).toString());
    }

    @Test
    void everyDistilledTypeMapsToTheVmlinuxTypeOfItsName() throws Exception {
      Btf module = distilledModule();
      Btf vmlinux = RealBtf.vmlinux(RealBtf.R53);
      DistilledRelocator.Result r = DistilledRelocator.relocate(module, BaseIndex.of(vmlinux));
      Btf dist = module.base();
      for (int d = 1; d < dist.endId(); d++) {
        int v = r.mapping()[d];
        assertEquals(dist.name(d), vmlinux.name(v), "distilled [" + d + "]");
        assertEquals(dist.kind(d), vmlinux.kind(v));
        assertEquals(dist.sizeOrType(d), vmlinux.sizeOrType(v));
      }
      assertEquals(List.of(), r.notes());
    }

    @Test
    void listHeadAndSpinlockAreEmbeddedButTaskStructAndSkBuffAreOnlyPointedAt() throws Exception {
      Btf module = distilledModule();
      boolean[] embedded = DistilledRelocator.embeddedBaseComposites(module);
      assertTrue(embedded[8], "list_head: btfscan_state.node");
      assertTrue(embedded[10], "spinlock: btfscan_state.lock through typedef spinlock_t");
      assertFalse(embedded[9], "task_struct");
      assertFalse(embedded[11], "sk_buff");
    }
  }

  /**
   * A small kernel-like pair. The "vmlinux" the module was distilled against: [1] int, [2] long,
   * [3] struct list_head (16), [4] struct sk_buff (232), [5] struct task_struct (9728), [6] enum64
   * 'e' (8), [7] union 'u' (4), [8] fwd struct 'opaque'.
   */
  static final class Kernel {
    int skbSize = 232;
    int listHeadSize = 16;
    boolean hasTaskStruct = true;
    boolean secondTaskStruct = false;
    int intEncoding = SIGNED_INT;
    boolean opaqueDefined = false;

    Btf build() throws Exception {
      BtfBuilder b = new BtfBuilder(null);
      b.addType(new int[] {b.addString("unsigned char"), info(BtfKind.INT, 0), 1, 0x00000008}); // moves every id by one
      b.addType(new int[] {b.addString("int"), info(BtfKind.INT, 0), 4, intEncoding});
      b.addType(new int[] {b.addString("long"), info(BtfKind.INT, 0), 8, 0x01000040});
      b.addType(new int[] {b.addString("list_head"), info(BtfKind.STRUCT, 0), listHeadSize});
      b.addType(new int[] {b.addString("sk_buff"), info(BtfKind.STRUCT, 1), skbSize, b.addString("len"), 2, 0});
      if (hasTaskStruct) {
        b.addType(new int[] {b.addString("task_struct"), info(BtfKind.STRUCT, 0), 9728});
      }
      if (secondTaskStruct) {
        b.addType(new int[] {b.addString("task_struct"), info(BtfKind.STRUCT, 0), 9728});
      }
      b.addType(new int[] {b.addString("e"), info(BtfKind.ENUM64, 1) | 0x80000000, 8, b.addString("E1"), 1, 0});
      b.addType(new int[] {b.addString("u"), info(BtfKind.UNION, 0), 4});
      if (opaqueDefined) {
        b.addType(new int[] {b.addString("opaque"), info(BtfKind.STRUCT, 0), 24});
      } else {
        b.addType(new int[] {b.addString("opaque"), info(BtfKind.FWD, 0), 0});
      }
      return BtfParser.parse(b.build(ByteOrder.LITTLE_ENDIAN));
    }
  }

  /**
   * The distilled base as pahole writes it: [1] int, [2] long, [3] list_head 16, [4] sk_buff 232,
   * [5] task_struct 9728, [6] enum 'e' 8, [7] union 'u' 4, [8] fwd 'opaque'; and the module split
   * on it: [9] struct mod_state { struct list_head node; struct sk_buff skb (when
   * {@code embedsSkb}) or struct sk_buff *skb; struct task_struct *owner; enum e color; union u v;
   * struct opaque *o; long n; }, [10..12] the pointers.
   */
  static Btf distilledModule(boolean embedsSkb) throws Exception {
    BtfBuilder d = new BtfBuilder(null);
    d.addType(new int[] {d.addString("int"), info(BtfKind.INT, 0), 4, SIGNED_INT});
    d.addType(new int[] {d.addString("long"), info(BtfKind.INT, 0), 8, 0x01000040});
    d.addType(new int[] {d.addString("list_head"), info(BtfKind.STRUCT, 0), 16});
    d.addType(new int[] {d.addString("sk_buff"), info(BtfKind.STRUCT, 0), 232});
    d.addType(new int[] {d.addString("task_struct"), info(BtfKind.STRUCT, 0), 9728});
    d.addType(new int[] {d.addString("e"), info(BtfKind.ENUM, 0), 8});
    d.addType(new int[] {d.addString("u"), info(BtfKind.UNION, 0), 4});
    d.addType(new int[] {d.addString("opaque"), info(BtfKind.FWD, 0), 0});
    Btf dist = BtfParser.parse(d.build(ByteOrder.LITTLE_ENDIAN));
    BtfBuilder m = new BtfBuilder(dist);
    int skbType = embedsSkb ? 4 : 10;
    m.addType(new int[] {m.addString("mod_state"), info(BtfKind.STRUCT, 7), 300,
        m.addString("node"), 3, 0,
        m.addString("skb"), skbType, 128,
        m.addString("owner"), 11, 192,
        m.addString("color"), 6, 256,
        m.addString("v"), 7, 320,
        m.addString("o"), 12, 384,
        m.addString("n"), 2, 448});
    m.addType(new int[] {0, info(BtfKind.PTR, 0), 4});
    m.addType(new int[] {0, info(BtfKind.PTR, 0), 5});
    m.addType(new int[] {0, info(BtfKind.PTR, 0), 8});
    return BtfParser.parse(m.build(ByteOrder.LITTLE_ENDIAN), dist);
  }

  static DistilledRelocator.Result relocate(Btf module, Kernel k) throws Exception {
    return DistilledRelocator.relocate(module, BaseIndex.of(k.build()));
  }

  static List<String> failures(DistilledRelocator.Result r) {
    return r.failures().stream().map(Object::toString).toList();
  }

  @Nested
  class OntoAMatchingKernel {
    @Test
    void idsMoveByTheDifferenceInTypeCountsAndBaseReferencesMapByName() throws Exception {
      Btf module = distilledModule(false);
      Btf vmlinux = new Kernel().build();
      DistilledRelocator.Result r = DistilledRelocator.relocate(module, BaseIndex.of(vmlinux));
      assertEquals(List.of(), r.failures());
      assertArrayEquals(new int[] {0, 2, 3, 4, 5, 6, 7, 8, 9}, r.mapping());
      Btf out = BtfParser.parse(r.blob(), vmlinux);
      assertEquals(10, out.startId());
      assertEquals(4, out.typeCount());
      assertEquals(String.join("\n",
          "[10] STRUCT 'mod_state' size=300 vlen=7",
          "\t'node' type_id=4 bits_offset=0",
          "\t'skb' type_id=11 bits_offset=128",
          "\t'owner' type_id=12 bits_offset=192",
          "\t'color' type_id=7 bits_offset=256",
          "\t'v' type_id=8 bits_offset=320",
          "\t'o' type_id=13 bits_offset=384",
          "\t'n' type_id=3 bits_offset=448",
          "[11] PTR '(anon)' type_id=5",
          "[12] PTR '(anon)' type_id=6",
          "[13] PTR '(anon)' type_id=9",
          ""), BtfDumper.dump(out));
      assertEquals(0, BtfValidator.validate(out).errorCount());
    }

    @Test
    void aDistilledEnumMatchesAnEnum64OfTheSameNameAndSize() throws Exception {
      DistilledRelocator.Result r = relocate(distilledModule(false), new Kernel());
      assertEquals(7, r.mapping()[6]);
    }

    @Test
    void aForwardDeclarationMatchesTheStructDefinitionOfItsName() throws Exception {
      Kernel k = new Kernel();
      k.opaqueDefined = true;
      DistilledRelocator.Result r = relocate(distilledModule(false), k);
      assertEquals(List.of(), failures(r));
      assertEquals(9, r.mapping()[8]);
    }

    @Test
    void aPointedToStructThatChangedSizeStillRelocatesAsTheKernelWouldWithANote() throws Exception {
      Kernel k = new Kernel();
      k.skbSize = 240;
      DistilledRelocator.Result r = relocate(distilledModule(false), k);
      assertTrue(r.relocated());
      assertEquals(List.of("distilled base type [4] STRUCT 'sk_buff' size 232: vmlinux [5] has size 240; accepted, the module only points at it"),
          r.notes());
    }

    @Test
    void strictRelocationRequiresThePointedToStructsSizeToo() throws Exception {
      Kernel k = new Kernel();
      k.skbSize = 240;
      DistilledRelocator.Result r = DistilledRelocator.relocateStrict(distilledModule(false), BaseIndex.of(k.build()));
      assertFalse(r.relocated());
      assertEquals(List.of("distilled base type [4] STRUCT 'sk_buff' size 232: vmlinux has size 240 [5]"), failures(r));
    }
  }

  @Nested
  class FailuresAreReportedPerType {
    @Test
    void anEmbeddedStructThatChangedSize() throws Exception {
      Kernel k = new Kernel();
      k.skbSize = 240;
      DistilledRelocator.Result r = relocate(distilledModule(true), k);
      assertNull(r.blob());
      assertEquals(List.of("distilled base type [4] STRUCT 'sk_buff' size 232: vmlinux has size 240 [5]"), failures(r));
      assertEquals(4, r.failures().get(0).distilledId());
      assertEquals(-1, r.mapping()[4]);
    }

    @Test
    void aStructThatVanished() throws Exception {
      Kernel k = new Kernel();
      k.hasTaskStruct = false;
      DistilledRelocator.Result r = relocate(distilledModule(false), k);
      assertNull(r.blob());
      assertEquals(List.of("distilled base type [5] STRUCT 'task_struct' size 9728: vmlinux has no STRUCT named 'task_struct'"), failures(r));
    }

    @Test
    void aStructThatBecameAmbiguous() throws Exception {
      Kernel k = new Kernel();
      k.secondTaskStruct = true;
      DistilledRelocator.Result r = relocate(distilledModule(false), k);
      assertNull(r.blob());
      assertEquals(List.of("distilled base type [5] STRUCT 'task_struct' size 9728: 2 candidates [6, 7]"), failures(r));
    }

    @Test
    void anIntWhoseEncodingChanged() throws Exception {
      Kernel k = new Kernel();
      k.intEncoding = 0x00000020;
      DistilledRelocator.Result r = relocate(distilledModule(false), k);
      assertEquals(List.of("distilled base type [1] INT 'int' size 4 encoding SIGNED: vmlinux has size 4 encoding (none) [2]"), failures(r));
    }

    @Test
    void everyFailingTypeIsReportedNotOnlyTheFirst() throws Exception {
      Kernel k = new Kernel();
      k.skbSize = 240;
      k.listHeadSize = 24;
      k.hasTaskStruct = false;
      DistilledRelocator.Result r = relocate(distilledModule(true), k);
      assertEquals(List.of(
          "distilled base type [3] STRUCT 'list_head' size 16: vmlinux has size 24 [4]",
          "distilled base type [4] STRUCT 'sk_buff' size 232: vmlinux has size 240 [5]",
          "distilled base type [5] STRUCT 'task_struct' size 9728: vmlinux has no STRUCT named 'task_struct'"), failures(r));
    }

    @Test
    void aBaseThatIsNotDistilledIsRefusedTypeByType() throws Exception {
      BtfBuilder d = new BtfBuilder(null);
      d.addType(new int[] {d.addString("int"), info(BtfKind.INT, 0), 4, SIGNED_INT});
      d.addType(new int[] {0, info(BtfKind.PTR, 0), 1});
      d.addType(new int[] {0, info(BtfKind.STRUCT, 0), 8});
      Btf dist = BtfParser.parse(d.build(ByteOrder.LITTLE_ENDIAN));
      assertEquals(List.of(
          "type [2] PTR '(anon)': kind PTR cannot be in a distilled base (only named INT, FLOAT, ENUM, STRUCT, UNION, FWD)",
          "type [3] STRUCT '(anon)' size 8: a distilled base type must be named"), DistilledRelocator.checkDistilledBase(dist));
    }
  }
}
