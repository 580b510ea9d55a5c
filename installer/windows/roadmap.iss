; Inno Setup 6 script: the per-user installer of «Дорожные карты» around the one-folder build.
; installer/windows/build.ps1 builds the folder (installer/freeze/roadmap.spec) and then runs
;   ISCC /DAppVersion=<version> installer\windows\roadmap.iss
; Relative paths here are relative to this file's folder (Inno's default SourceDir).
; Saved as UTF-8 with a BOM: Inno Setup before 6.3 reads a script without one as ANSI.

#ifndef AppVersion
  ; build.ps1 passes the real one (desktop/__init__.py); tests/test_installer_windows.py keeps this in step
  #define AppVersion "0.1.0"
#endif
#define AppName "Дорожные карты"
; The folder PyInstaller makes: --distpath build\dist, COLLECT(name="roadmap").
#define DistDir "..\..\build\dist\roadmap"
; The windowed program (no console): menu entry, file association, uninstall icon.
#define WindowExe "roadmapw.exe"
#define ProgId "Roadmap.File"
#define FileTypeName "Файл дорожных карт"

[Setup]
; Fixed for ever: Windows finds an earlier installation (to upgrade or remove it) by this id.
AppId={{84CE9AB4-E232-4C98-94C9-DCCACD85CDA1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
; No administrator rights: district staff install it themselves. Everything goes to the user's
; profile: {autopf} is {userpf} = %LOCALAPPDATA%\Programs here, HKA is HKCU, {autoprograms} is the
; user's Start menu. ({autopf} rather than a spelled-out {localappdata}\Programs: should an
; all-users mode ever be allowed, folder, registry and menu then move together.)
PrivilegesRequired=lowest
DefaultDirName={autopf}\roadmap
DisableProgramGroupPage=yes
; The build is 64-bit Python and Qt; Qt 6 needs Windows 10 1809 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
; The installer registers a file type: Explorer is told to reload associations.
ChangesAssociations=yes
OutputDir=..\..\build\installer
OutputBaseFilename=roadmap-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\roadmap.ico
UninstallDisplayIcon={app}\{#WindowExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2
SolidCompression=yes
; %TEMP%\Setup Log *.txt: what support asks for when an installation goes wrong.
SetupLogging=yes

[Languages]
Name: "russian"; MessagesFile: "compiler:Languages\Russian.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the whole program: a library left over from the previous version in _internal
; could be loaded by the new one (Qt loads every plugin it finds). Only the program's own folder.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; The whole one-folder build: roadmap.exe (console), roadmapw.exe (window) and _internal.
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#WindowExe}"; Comment: "Дорожные карты поддержки школ"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#WindowExe}"; Tasks: desktopicon

[Registry]
; The roadmap file is an SQLite file named *.sqlite, and Windows knows types by extension only. The
; program's own type (ProgID) is registered, and only added to the programs offered for .sqlite
; («Открыть с помощью»): the default program of .sqlite is not changed, so other SQLite programs
; keep their files. Uninstalling removes the ProgID and that one value, nothing else of .sqlite.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "{#FileTypeName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#WindowExe}"",0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#WindowExe}"" ""%1"""
; Uninstalled in reverse order: our value, then OpenWithProgids and .sqlite only if left empty.
Root: HKA; Subkey: "Software\Classes\.sqlite"; Flags: uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\.sqlite\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue uninsdeletekeyifempty
; The program's name in «Открыть с помощью» and the types it opens.
Root: HKA; Subkey: "Software\Classes\Applications\{#WindowExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#WindowExe}\SupportedTypes"; ValueType: string; ValueName: ".sqlite"; ValueData: ""

[Run]
Filename: "{app}\{#WindowExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete], on purpose: the uninstaller removes only what it installed in {app} and the
; registry keys above. The user's roadmap file, backups, logs (%LOCALAPPDATA%\roadmap) and settings
; (HKCU\Software\roadmap) stay, also after an uninstall, and so does anything else outside {app}.
