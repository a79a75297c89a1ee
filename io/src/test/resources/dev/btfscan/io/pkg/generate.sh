#!/bin/sh
# Regenerates the tool-built packages used by PackageReaderTest: small rpms built by rpmbuild with
# xz and zstd payloads, and debs built by dpkg-deb with xz and zstd data.tar. Each holds
#   lib/modules/6.1.0-test/kernel/fs/demo-fs.ko   "fake module demo-fs\n"
#   boot/vmlinuz-6.1.0-test                       "fake kernel image\n"
#   lib/modules/6.1.0-test/build -> /usr/src/linux-6.1.0-test   (symlink)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/root/lib/modules/6.1.0-test/kernel/fs" "$work/root/boot"
printf 'fake module demo-fs\n' > "$work/root/lib/modules/6.1.0-test/kernel/fs/demo-fs.ko"
printf 'fake kernel image\n' > "$work/root/boot/vmlinuz-6.1.0-test"
ln -s /usr/src/linux-6.1.0-test "$work/root/lib/modules/6.1.0-test/build"

# --- rpm
mkdir -p "$work/rpm/SPECS" "$work/rpm/BUILDROOT"
cat > "$work/rpm/SPECS/demo.spec" <<SPEC
Name: demo-kernel
Version: 6.1.0
Release: 1
Summary: btf-scan test package
License: GPL-2.0
BuildArch: noarch
%description
test package
%install
cp -a $work/root/. %{buildroot}/
%files
/lib/modules/6.1.0-test
/boot/vmlinuz-6.1.0-test
SPEC
for comp in xz:w6.xzdio zstd:w19.zstdio gzip:w9.gzdio; do
  name=${comp%%:*}
  io=${comp#*:}
  rpmbuild -bb --quiet --define "_topdir $work/rpm" --define "_binary_payload $io" \
    --define "_build_id_links none" "$work/rpm/SPECS/demo.spec" >/dev/null
  mv "$work"/rpm/RPMS/noarch/demo-kernel-6.1.0-1.noarch.rpm "$here/demo-kernel-$name.rpm"
done

# --- deb
mkdir -p "$work/deb/DEBIAN"
cp -a "$work/root/." "$work/deb/"
cat > "$work/deb/DEBIAN/control" <<CONTROL
Package: demo-kernel
Version: 6.1.0-1
Architecture: all
Maintainer: btf-scan <btf-scan@example.invalid>
Description: btf-scan test package
CONTROL
for name in xz zstd gzip; do
  dpkg-deb --root-owner-group -Z"$name" --build "$work/deb" "$here/demo-kernel-$name.deb" >/dev/null
done

# --- rpm with a file of 4 GiB + 1 byte (sparse): rpm >= 4.12 then writes LONGFILESIZES and the
# stripped cpio payload (07070X). zstd -1 of the zeros keeps the package near 140 KB.
big=$work/big
mkdir -p "$big/root/lib/modules/6.1.0-big/kernel" "$big/rpm/SPECS"
printf 'small module\n' > "$big/root/lib/modules/6.1.0-big/kernel/small.ko"
truncate -s 4294967297 "$big/root/lib/modules/6.1.0-big/huge.bin"
printf 'after huge\n' > "$big/root/lib/modules/6.1.0-big/kernel/zz-after.ko"
ln -s kernel/small.ko "$big/root/lib/modules/6.1.0-big/link.ko"
cat > "$big/rpm/SPECS/big.spec" <<SPEC
Name: demo-largefile
Version: 1
Release: 1
Summary: large file test
License: GPL-2.0
BuildArch: noarch
%description
test
%install
cp -a --sparse=always $big/root/. %{buildroot}/
%files
/lib/modules/6.1.0-big
SPEC
rpmbuild -bb --quiet --define "_topdir $big/rpm" --define "_binary_payload w1.zstdio" \
  --define "_build_id_links none" --define "__spec_install_post %{nil}" "$big/rpm/SPECS/big.spec"
mv "$big"/rpm/RPMS/noarch/demo-largefile-1-1.noarch.rpm "$here/demo-largefile-zstd.rpm"
