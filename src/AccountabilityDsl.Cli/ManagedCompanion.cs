using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using AccountabilityDsl.Cli.Commands;

namespace AccountabilityDsl.Cli;

/// <summary>
/// The native <c>ownerc</c> (Native AOT, this platform's tool package) and its managed companion.
/// The same code is compiled twice: as the managed <c>ownerc.dll</c> (builds, tests, the portable
/// package, and the companion) and ahead of time into one native executable. A few commands need
/// what ahead-of-time compilation cannot take — <c>serve</c> (ASP.NET Core's reflection-based
/// endpoints), <c>lsp</c> (StreamJsonRpc), <c>ledger</c> (the database drivers) — so the native
/// build is compiled with <see cref="AllCommandsInProcess"/> off: those commands are then
/// <see cref="ForwardedCommand"/>s, and the trimmer drops their code and libraries. The package
/// ships the managed build beside the executable (<c>managed/ownerc.dll</c>), and a forwarded
/// command replaces the native process with it (<c>dotnet exec managed/ownerc.dll …</c>, the same
/// arguments): same process, so the same standard streams, exit code and signals.
/// docs/cli.md, "How the tool is built".
/// </summary>
internal static class ManagedCompanion
{
    internal const string InProcessSwitch = "AccountabilityDsl.Cli.AllCommandsInProcess";

    /// <summary>The companion, relative to the native executable's folder.</summary>
    internal const string RelativePath = "managed/ownerc.dll";

    /// <summary>
    /// On in every managed build; off in the native one (its project sets the switch, and the
    /// trimmer treats this as a constant, removing the commands' code and what only they use).
    /// </summary>
    [FeatureSwitchDefinition(InProcessSwitch)]
    internal static bool AllCommandsInProcess => !AppContext.TryGetSwitch(InProcessSwitch, out bool inProcess) || inProcess;

    /// <summary>Runs <c>ownerc &lt;args&gt;</c> in the managed companion; returns only if it could not be started.</summary>
    internal static int Run(IReadOnlyList<string> args, CommandContext context)
    {
        string companion = Path.Combine(AppContext.BaseDirectory, RelativePath);
        if (!File.Exists(companion))
        {
            context.WriteError($"'ownerc {args[0]}' runs on the .NET runtime, but this native ownerc has no managed companion at '{companion}'");
            context.Error.WriteLine("hint: reinstall the tool ('dotnet tool update ownerc'), or install the portable package (ownerc.any)");
            return ExitCodes.BadUsageOrInput;
        }

        if (FindDotnet() is not { } dotnet)
        {
            context.WriteError($"'ownerc {args[0]}' runs on the .NET runtime, and no 'dotnet' was found");
            context.Error.WriteLine("hint: put dotnet on PATH, or set DOTNET_ROOT to the folder that holds it");
            return ExitCodes.BadUsageOrInput;
        }

        context.Out.Flush();
        context.Error.Flush();
        string[] argv = [dotnet, "exec", companion, .. args];
        if (OperatingSystem.IsWindows())
        {
            // No exec on Windows: a child on the same console, whose exit code is ours.
            var start = new ProcessStartInfo(dotnet) { UseShellExecute = false };
            foreach (string argument in argv.AsSpan(1))
            {
                start.ArgumentList.Add(argument);
            }

            using Process child = Process.Start(start)!;
            child.WaitForExit();
            return child.ExitCode;
        }

        int error = Exec(argv);
        context.WriteError($"could not start '{dotnet}' for 'ownerc {args[0]}' (errno {error})");
        return ExitCodes.BadUsageOrInput;
    }

    /// <summary>The dotnet host: the one that started us (DOTNET_HOST_PATH), DOTNET_ROOT's, or the first on PATH.</summary>
    private static string? FindDotnet()
    {
        string name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        IEnumerable<string?> folders = [
            Environment.GetEnvironmentVariable("DOTNET_ROOT"),
            .. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)];
        return folders
            .Where(folder => !string.IsNullOrEmpty(folder))
            .Select(folder => Path.Combine(folder!, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>execv(2): this process becomes <paramref name="argv"/>[0]; returns errno if it could not.</summary>
    private static int Exec(string[] argv)
    {
        // A NULL-terminated array of UTF-8 strings, built by hand: blittable arguments need no
        // marshalling code (nothing to generate ahead of time), and on success nothing is freed.
        var pointers = new IntPtr[argv.Length + 1];
        for (int i = 0; i < argv.Length; i++)
        {
            pointers[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
        }

        execv(pointers[0], pointers);
        int error = Marshal.GetLastPInvokeError();
        foreach (IntPtr pointer in pointers)
        {
            Marshal.FreeCoTaskMem(pointer);
        }

        return error;
    }

    [DllImport("libc", SetLastError = true)]
    [SuppressMessage("Interoperability", "SYSLIB1054", Justification = "Blittable arguments: no marshalling to generate.")]
    private static extern int execv(IntPtr path, IntPtr[] argv);
}

/// <summary>
/// A command the native <c>ownerc</c> lists but runs in its <see cref="ManagedCompanion"/>, with
/// everything after <c>ownerc</c> (its help and usage errors are the companion's too).
/// </summary>
internal sealed class ForwardedCommand(string name, string summary) : ICommand
{
    public string Name => name;

    public string Summary => summary;

    public string Help => throw new UnreachableException("a forwarded command's help is the companion's");

    public int Run(IReadOnlyList<string> args, CommandContext context) => ManagedCompanion.Run([name, .. args], context);
}
