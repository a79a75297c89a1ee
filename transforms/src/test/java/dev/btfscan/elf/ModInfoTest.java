package dev.btfscan.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModInfoTest {
  private static ModInfo parse(String s) {
    return ModInfo.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsKeyValuePairsSeparatedByNulsIncludingAlignmentPadding() {
    ModInfo m = parse("alias=net-pf-15\0license=GPL\0\0\0\0depends=xfrm_algo\0name=af_key\0"
        + "vermagic=6.1.0-53-cloud-amd64 SMP preempt mod_unload modversions \0");
    assertEquals(Optional.of("af_key"), m.name());
    assertEquals(Optional.of("GPL"), m.license());
    assertEquals(Optional.of("6.1.0-53-cloud-amd64 SMP preempt mod_unload modversions "), m.vermagic());
    assertEquals(Optional.of("6.1.0-53-cloud-amd64"), m.release());
    assertEquals(List.of("xfrm_algo"), m.depends());
    assertEquals(List.of("alias", "license", "depends", "name", "vermagic"), List.copyOf(m.asMap().keySet()));
  }

  @Test
  void keepsEveryValueOfARepeatedKeyInFileOrder() {
    ModInfo m = parse("alias=a\0parm=x:int\0alias=b\0");
    assertEquals(List.of("a", "b"), m.getAll("alias"));
    assertEquals(Optional.of("a"), m.get("alias"));
  }

  @Test
  void splitsDependsOnCommasAndGivesEmptyListForLeafModules() {
    assertEquals(List.of("xor", "async_tx"), parse("depends=xor,async_tx\0").depends());
    assertEquals(List.of(), parse("depends=\0").depends());
    assertEquals(List.of(), ModInfo.empty().depends());
  }

  @Test
  void keepsOnlyTheFirstEqualsSignAsSeparator() {
    assertEquals(Optional.of("x=y"), parse("description=x=y\0").get("description"));
  }

  @Test
  void keepsEntryWithoutEqualsSignAsKeyWithEmptyValue() {
    assertEquals(List.of(""), parse("intree\0").getAll("intree"));
  }

  @Test
  void reportsNoReleaseWithoutVermagicAndForBlankVermagic() {
    assertTrue(parse("name=x\0").release().isEmpty());
    assertTrue(parse("vermagic=  \0").release().isEmpty());
  }

  @Test
  void acceptsUnterminatedLastEntry() {
    assertEquals(Optional.of("GPL"), parse("license=GPL").license());
  }
}
