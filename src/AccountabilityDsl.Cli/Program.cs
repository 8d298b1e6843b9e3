using System.Text;

namespace AccountabilityDsl.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        // Output is UTF-8 whatever the console code page, buffered and flushed once: diagnostics
        // for many files are written in one go, and JSON/SARIF consumers read bytes, not glyphs.
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        bool useColor = !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && Environment.GetEnvironmentVariable("TERM") != "dumb";
        return CommandLine.Run(args, stdout, Console.Error, Environment.CurrentDirectory, useColor);
    }
}
