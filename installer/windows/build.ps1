<#
.SYNOPSIS
    Builds «Дорожные карты» for Windows: the program folder, the installer and the portable zip.

.DESCRIPTION
    On Windows 10/11 with Python 3.11 (python.org or the py launcher), no administrator rights:
        powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
    1. a virtual environment build\venv-windows with the program (pip install .) and PyInstaller;
    2. PyInstaller: installer\freeze\roadmap.spec -> build\dist\roadmap (roadmap.exe, roadmapw.exe, _internal);
    3. a check that the built roadmap.exe starts (--version);
    4. Inno Setup 6 (ISCC.exe): build\installer\roadmap-<version>-setup.exe;
    5. build\installer\roadmap-<version>-portable.zip: the folder plus portable.txt.
    Any failure stops the script with a message (and a non-zero exit code).
    Saved as UTF-8 with a BOM: Windows PowerShell 5.1 reads a script without one as ANSI.

.PARAMETER Python
    The Python 3.11 to build with. Default: python on PATH if it is 3.11, else "py -3.11".

.PARAMETER SkipInstaller
    Only the folder and the zip: for a machine without Inno Setup.
#>
[CmdletBinding()]
param(
    [string]$Python = '',
    [switch]$SkipInstaller
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# Paths, relative to the repository (tests/test_installer_windows.py reads these lines).
$Spec = 'installer\freeze\roadmap.spec'
$DistPath = 'build\dist'
$WorkPath = 'build\pyinstaller'
$ProgramName = 'roadmap'  # COLLECT(name=...) in the spec: the folder under $DistPath
$Iss = 'installer\windows\roadmap.iss'
$OutDir = 'build\installer'
$VenvDir = 'build\venv-windows'
$PortableMarker = 'portable.txt'  # desktop/config.py PORTABLE_MARKER: data then lives in data\ beside the program
$PortableText = 'Переносная копия: данные хранятся в папке data рядом с программой.'
$PyInstallerPin = 'pyinstaller>=6.10,<7'

$Root = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
Set-Location -LiteralPath $Root  # the spec takes the sources from the current folder

function Invoke-Native {
    # Runs a program and stops on a non-zero exit code. Windows PowerShell 5.1 with 'Stop' would
    # also stop on the first line a program writes to stderr (pip and PyInstaller log there).
    param([Parameter(Mandatory = $true)][string]$FilePath, [string[]]$ArgumentList = @())
    $saved = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        & $FilePath @ArgumentList
    } finally {
        $ErrorActionPreference = $saved
    }
    if ($LASTEXITCODE -ne 0) {
        throw "Команда завершилась с кодом ${LASTEXITCODE}: $FilePath $($ArgumentList -join ' ')"
    }
}

function Find-Python {
    # The first candidate that runs and is 3.11; returns the interpreter's full path. (No quotes in
    # the -c code: PowerShell versions pass embedded quotes to programs differently.)
    $candidates = @()
    if ($Python) { $candidates += , @($Python) } else { $candidates += , @('python'); $candidates += , @('py', '-3.11') }
    foreach ($candidate in $candidates) {
        $exe = $candidate[0]
        $rest = @($candidate | Select-Object -Skip 1)
        if (-not (Get-Command $exe -ErrorAction SilentlyContinue)) { continue }
        $saved = $ErrorActionPreference
        $ErrorActionPreference = 'Continue'
        try {
            $found = @(& $exe @rest -c 'import sys; print(*sys.version_info[:2], sep=chr(46)); print(sys.executable)' 2>$null)
        } catch {
            $found = @()
        } finally {
            $ErrorActionPreference = $saved
        }
        if ($found.Count -eq 2 -and $found[0] -eq '3.11' -and $LASTEXITCODE -eq 0) { return $found[1] }
    }
    throw 'Нужен Python 3.11 (python.org, 64-разрядный). Укажите его: -Python C:\путь\к\python.exe'
}

Write-Host '== Python и зависимости'
$BasePython = Find-Python
Write-Host "Python: $BasePython"
$VenvPython = Join-Path $Root "$VenvDir\Scripts\python.exe"
if (-not (Test-Path -LiteralPath $VenvPython)) {
    Invoke-Native $BasePython @('-m', 'venv', $VenvDir)
}
Invoke-Native $VenvPython @('-m', 'pip', 'install', '--disable-pip-version-check', '--upgrade', 'pip')
Invoke-Native $VenvPython @('-m', 'pip', 'install', '--disable-pip-version-check', '.', $PyInstallerPin)
$Version = (Invoke-Native $VenvPython @('-c', 'import desktop; print(desktop.__version__)')).Trim()
Write-Host "Версия: $Version"

Write-Host '== Сборка папки программы (PyInstaller)'
Invoke-Native $VenvPython @('-m', 'PyInstaller', '--noconfirm', '--distpath', $DistPath, '--workpath', $WorkPath, $Spec)
$Program = Join-Path $Root "$DistPath\$ProgramName"
foreach ($exe in @('roadmap.exe', 'roadmapw.exe')) {
    if (-not (Test-Path -LiteralPath (Join-Path $Program $exe))) { throw "Сборка не создала $exe в $Program" }
}
$reported = Invoke-Native (Join-Path $Program 'roadmap.exe') @('--version')
if ("$reported".Trim() -ne "roadmap $Version") {
    throw "roadmap.exe --version вывел «$reported», ожидалось «roadmap $Version»"
}
Write-Host "roadmap.exe --version: $reported"

New-Item -ItemType Directory -Force -Path (Join-Path $Root $OutDir) | Out-Null
if (-not $SkipInstaller) {
    Write-Host '== Установщик (Inno Setup)'
    $iscc = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe"
    ) | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
    if (-not $iscc) {
        $onPath = Get-Command 'ISCC.exe' -ErrorAction SilentlyContinue
        if ($onPath) { $iscc = $onPath.Source }
    }
    if (-not $iscc) {
        throw 'Не найден Inno Setup 6 (ISCC.exe). Установите его с jrsoftware.org или запустите с -SkipInstaller.'
    }
    Invoke-Native $iscc @("/DAppVersion=$Version", $Iss)
    $Setup = Join-Path $Root "$OutDir\roadmap-$Version-setup.exe"
    if (-not (Test-Path -LiteralPath $Setup)) { throw "Inno Setup не создал $Setup" }
    Write-Host "Установщик: $Setup"
}

Write-Host '== Переносная копия (zip)'
$Stage = Join-Path $Root 'build\portable'
if (Test-Path -LiteralPath $Stage) { Remove-Item -LiteralPath $Stage -Recurse -Force }
New-Item -ItemType Directory -Force -Path $Stage | Out-Null
Copy-Item -LiteralPath $Program -Destination $Stage -Recurse
# With a BOM, so that any Notepad shows the Russian text right.
[System.IO.File]::WriteAllText((Join-Path $Stage "$ProgramName\$PortableMarker"), "$PortableText`r`n",
    (New-Object System.Text.UTF8Encoding $true))
$Zip = Join-Path $Root "$OutDir\roadmap-$Version-portable.zip"
if (Test-Path -LiteralPath $Zip) { Remove-Item -LiteralPath $Zip -Force }
Add-Type -AssemblyName System.IO.Compression.FileSystem
# The zip holds the folder roadmap\ itself: unpacked anywhere, it is one folder, not loose files.
[System.IO.Compression.ZipFile]::CreateFromDirectory((Join-Path $Stage $ProgramName), $Zip,
    [System.IO.Compression.CompressionLevel]::Optimal, $true)
Write-Host "Переносная копия: $Zip"
