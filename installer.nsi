; The Windows installer of ReceptionDesk (NSIS 3, Unicode), built from the PyInstaller
; folder that build.spec makes:
;
;   makensis /DVERSION=0.1.0 /DDIST=dist\ReceptionDesk installer.nsi
;       -> dist\ReceptionDesk-0.1.0-setup.exe
;
; It installs the folder for every Windows account of the PC (Program Files, shortcuts in
; the common Start menu and on the common desktop), registers the version in "Apps and
; features", makes the machine-wide data folder (%ProgramData%\ReceptionDesk) that every
; account may modify, and its uninstaller removes the program only: the database, its
; backups and the settings live outside the program folder and are kept.
;
; CI compiles this script against the Linux build folder (/DEXE= : no ".exe" suffix there)
; to catch errors in it; only a Windows PC can run what it makes (README, "The Windows
; installer").

Unicode true
; the smallest installer by default; CI's check passes /DCOMPRESSOR=zlib (faster)
!ifndef COMPRESSOR
  !define COMPRESSOR "/SOLID lzma"
!endif
SetCompressor ${COMPRESSOR}
RequestExecutionLevel admin
ManifestDPIAware true

!ifndef VERSION
  !error "Give the version: makensis /DVERSION=x.y.z /DDIST=<build folder> installer.nsi"
!endif
!ifndef DIST
  !define DIST "dist\ReceptionDesk"
!endif
!ifndef EXE
  !define EXE ".exe"
!endif
!ifndef OUTFILE
  !define OUTFILE "dist\ReceptionDesk-${VERSION}-setup.exe"
!endif

!define APP "ReceptionDesk"
!define APP_EXE "ReceptionDesk${EXE}"
!define CLI_EXE "receptiondesk-cli${EXE}"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
; Windows 10 version 1809 is build 17763: PySide6 6.x needs a 64-bit Windows 10 1809 or
; later (Qt 6's supported platforms); there is no 32-bit build of PySide6 6.
!define MIN_WINDOWS_BUILD 17763

; The build folder must hold both programs: a half-made folder is refused here.
!if ! /FileExists "${DIST}\${APP_EXE}"
  !error "${DIST}\${APP_EXE} is missing: build the folder first (pyinstaller build.spec)"
!endif
!if ! /FileExists "${DIST}\${CLI_EXE}"
  !error "${DIST}\${CLI_EXE} is missing: build the folder first (pyinstaller build.spec)"
!endif

; "0.1.0" or "0.1.0.dev1" -> the four numbers Windows' version resource wants
!searchparse /noerrors "${VERSION}" "" V_MAJOR "." V_MINOR "." V_PATCH "."
!ifndef V_MINOR
  !define V_MINOR 0
!endif
!ifndef V_PATCH
  !define V_PATCH 0
!endif

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${V_MAJOR}.${V_MINOR}.${V_PATCH}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} ${VERSION} setup"
VIAddVersionKey /LANG=0 "CompanyName" "${APP}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${APP}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "WinVer.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "resources\icons\receptiondesk.ico"
!define MUI_UNICON "resources\icons\receptiondesk.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${APP_EXE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; Vietnamese first: the installer opens in Vietnamese, English where Windows is English.
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

LangString NeedsWindows ${LANG_VIETNAMESE} "ReceptionDesk cần Windows 10 (phiên bản 1809 trở lên) hoặc Windows 11, bản 64-bit."
LangString NeedsWindows ${LANG_ENGLISH} "ReceptionDesk needs 64-bit Windows 10 (version 1809 or later) or Windows 11."
LangString Uninstall ${LANG_VIETNAMESE} "Gỡ cài đặt ReceptionDesk"
LangString Uninstall ${LANG_ENGLISH} "Uninstall ReceptionDesk"
LangString DataFolderRights ${LANG_VIETNAMESE} "Không cấp được quyền ghi vào thư mục dữ liệu dùng chung cho mọi tài khoản; mỗi tài khoản Windows sẽ giữ dữ liệu riêng cho đến khi quản trị viên cấp quyền này."
LangString DataFolderRights ${LANG_ENGLISH} "The data folder could not be opened to every account; each Windows account keeps its own data until an administrator grants that right."
LangString DataKept ${LANG_VIETNAMESE} "Đã gỡ chương trình. Cơ sở dữ liệu, các bản sao lưu và phần cài đặt vẫn được giữ nguyên."
LangString DataKept ${LANG_ENGLISH} "The program was removed. The database, its backups and the settings are kept."

Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP|MB_OK "$(NeedsWindows)"
    Abort
  ${EndIf}
  ${WinVerGetBuild} $0
  ${If} $0 < ${MIN_WINDOWS_BUILD}
    MessageBox MB_ICONSTOP|MB_OK "$(NeedsWindows)"
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
FunctionEnd

Section "ReceptionDesk" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; an older version's modules must not linger beside the new ones
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; The machine-wide data folder (C:\ProgramData\ReceptionDesk: $APPDATA for all users):
  ; the first run writes there where the office keeps its data (location.ini), and the
  ; database when no other drive is chosen. Every account of the PC (Users, S-1-5-32-545,
  ; named by its SID so that a Vietnamese Windows finds it too) may modify it, so that
  ; every account opens the same database. The uninstaller leaves it alone.
  CreateDirectory "$APPDATA\${APP}"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$APPDATA\${APP}" /grant *S-1-5-32-545:(OI)(CI)M /T /Q'
  Pop $0
  ${If} $0 != 0
    DetailPrint "$(DataFolderRights)"
  ${EndIf}

  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0
  CreateShortcut "$SMPROGRAMS\${APP}\$(Uninstall).lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\${APP_EXE}" "" "$INSTDIR\${APP_EXE}" 0

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${APP}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${APP_EXE},0"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext all
FunctionEnd

; Only what the installer put there is removed, never a folder the user chose as a whole
; (an install into "D:\" must not empty D:): the database is not in the program folder.
Section "Uninstall"
  Delete "$DESKTOP\${APP}.lnk"
  Delete "$SMPROGRAMS\${APP}\${APP}.lnk"
  Delete "$SMPROGRAMS\${APP}\$(Uninstall).lnk"
  RMDir "$SMPROGRAMS\${APP}"

  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${APP_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  IfSilent +2
    MessageBox MB_ICONINFORMATION|MB_OK "$(DataKept)"
SectionEnd
