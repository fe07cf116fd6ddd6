; Inno Setup script: a per-user install of MedAssist without admin rights.
; Built on a Windows runner by installers/windows/build.ps1 after PyInstaller has produced dist\MedAssist.
#define AppVersion GetEnv("MEDASSIST_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{5B0C7C3E-6B1E-4B8F-9B59-3C7E2E1A0D11}
AppName=MedAssist
AppVersion={#AppVersion}
AppPublisher=MedAssist developers
DefaultDirName={localappdata}\Programs\MedAssist
DefaultGroupName=MedAssist
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=MedAssist-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=..\..\resources\icons\medassist.ico
UninstallDisplayIcon={app}\MedAssist.exe
ChangesAssociations=yes
DisableProgramGroupPage=yes

[Files]
Source: "..\..\dist\MedAssist\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{userprograms}\MedAssist"; Filename: "{app}\MedAssist.exe"
Name: "{userdesktop}\MedAssist"; Filename: "{app}\MedAssist.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Registry]
; Open .dcm files with MedAssist (per user, HKCU: no admin rights needed)
Root: HKCU; Subkey: "Software\Classes\.dcm\OpenWithProgids"; ValueType: string; ValueName: "MedAssist.dcm"; ValueData: ""; Flags: uninsdeletevalue
Root: HKCU; Subkey: "Software\Classes\MedAssist.dcm"; ValueType: string; ValueName: ""; ValueData: "DICOM image"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\MedAssist.dcm\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\MedAssist.exe,0"
Root: HKCU; Subkey: "Software\Classes\MedAssist.dcm\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\MedAssist.exe"" ""%1"""

[Run]
Filename: "{app}\MedAssist.exe"; Parameters: "--cli models verify"; Flags: runhidden waituntilterminated; StatusMsg: "Verifying model packs..."
Filename: "{app}\MedAssist.exe"; Description: "Start MedAssist"; Flags: nowait postinstall skipifsilent
