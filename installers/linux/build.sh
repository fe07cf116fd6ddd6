#!/usr/bin/env bash
# Linux packaging: PyInstaller one-folder bundle -> licence check -> tarball + .deb -> smoke test.
# Run through `make dist` (which prepares .venv and the model packs first).
set -euo pipefail
cd "$(dirname "$0")/../.."
VPY=${VPY:-.venv/bin/python}
VERSION=$($VPY -c 'import medassist; print(medassist.__version__)')
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
DIST=dist
WORK=build/medassist
t0=$(date +%s)

rm -rf "$DIST/MedAssist" "$WORK"
$VPY -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$WORK" installers/medassist.spec
# the spec writes into PyInstaller's per-spec work folder: $WORK/<spec name>
# strip debug symbols from shared libraries, except those a wheel repair tool rewrote (they live in
# <package>.libs/ folders; strip breaks their program headers) -- the smoke test below proves the result loads
find "$DIST/MedAssist/_internal" -type f \( -name '*.so' -o -name '*.so.*' \) -not -path '*.libs/*' \
  -exec strip --strip-unneeded {} + 2>/dev/null || true
# compile the ICD-10-CM lexicon once with the frozen app itself, into the bundle (read-only at run time):
# the first launch after install then codes as fast as later ones (medassist/tasks/coding_lexicon_cache.py)
WARM_HOME=$(mktemp -d)
MEDASSIST_HOME="$WARM_HOME" MEDASSIST_LEXICON_CACHE_DIR="$DIST/MedAssist/_internal/resources/cache" \
  "$DIST/MedAssist/MedAssist" --cli code resources/samples/clinic_note.txt --no-history --format json > /dev/null
rm -rf "$WARM_HOME"
ls "$DIST/MedAssist/_internal/resources/cache/"icd10-lexicon-*.json.gz > /dev/null
$VPY installers/licence_report.py "$WORK/medassist/bundled-modules.json" -o "$DIST/MedAssist/LICENSES-bundled.md" > /dev/null
cp installers/linux/medassist.desktop resources/icons/medassist.png "$DIST/MedAssist/"

# tarball
tar -C "$DIST" -czf "$DIST/MedAssist-$VERSION-linux-$ARCH.tar.gz" MedAssist

# .deb: /opt/medassist + launchers + desktop entry + icon + DICOM mime type
STAGE="$DIST/deb/medassist_${VERSION}_${ARCH}"
rm -rf "$DIST/deb"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
         "$STAGE/usr/share/icons/hicolor/256x256/apps" "$STAGE/usr/share/mime/packages"
cp -a "$DIST/MedAssist" "$STAGE/opt/medassist"
printf '#!/bin/sh\nexec /opt/medassist/MedAssist "$@"\n' > "$STAGE/usr/bin/medassist-app"
printf '#!/bin/sh\nexec /opt/medassist/MedAssist --cli "$@"\n' > "$STAGE/usr/bin/medassist"
chmod 755 "$STAGE/usr/bin/medassist-app" "$STAGE/usr/bin/medassist"
cp installers/linux/medassist.desktop "$STAGE/usr/share/applications/"
cp resources/icons/medassist.png "$STAGE/usr/share/icons/hicolor/256x256/apps/medassist.png"
cp installers/linux/medassist-mime.xml "$STAGE/usr/share/mime/packages/medassist.xml"
SIZE_KB=$(du -sk "$STAGE/opt" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CTL
Package: medassist
Version: $VERSION
Section: science
Priority: optional
Architecture: $ARCH
Installed-Size: $SIZE_KB
Maintainer: MedAssist developers <dev@medassist.local>
Description: Offline clinical drafting assistant
 Summaries, ICD-10-CM codes with evidence, patient letters and radiology report
 drafts from local ONNX models. Opens no network connection; history encrypted.
CTL
cat > "$STAGE/DEBIAN/postinst" <<'POST'
#!/bin/sh
set -e
command -v update-mime-database >/dev/null && update-mime-database /usr/share/mime || true
command -v update-desktop-database >/dev/null && update-desktop-database -q /usr/share/applications || true
exit 0
POST
chmod 755 "$STAGE/DEBIAN/postinst"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$STAGE" "$DIST/medassist_${VERSION}_${ARCH}.deb" > /dev/null
t1=$(date +%s)

echo "bundle:  $DIST/MedAssist  ($(du -sh "$DIST/MedAssist" | cut -f1) unpacked; goal <= 350 MB)"
echo "tarball: $(ls -sh "$DIST"/MedAssist-*.tar.gz | tr -s ' ')"
echo "deb:     $(ls -sh "$DIST"/medassist_*.deb | tr -s ' ')"
echo "build time: $((t1 - t0)) s"
$VPY installers/linux/smoke.py "$DIST/MedAssist/MedAssist"
