using AccountabilityDsl.Cli.Checking;
using AccountabilityDsl.Workspace;
using AccountabilityDsl.Cli.Tests.Infrastructure;
using AccountabilityDsl.Tests.Infrastructure;

namespace AccountabilityDsl.Cli.Tests;

/// <summary>How command-line paths become policy files: recursion, order, links, failures.</summary>
public class InputTests
{
    [Fact]
    public void Folders_are_searched_recursively_and_files_sorted_by_path_ordinally()
    {
        InputSet inputs = InputCollector.Collect([$"{Ownerc.Fixtures}/tree"], Baseline.RepoRoot);
        inputs.Errors.ShouldBeEmpty();
        inputs.Files.Select(f => f.DisplayPath).ShouldBe(
        [
            $"{Ownerc.Fixtures}/tree/A-upper.owner",
            $"{Ownerc.Fixtures}/tree/b.owner",
            $"{Ownerc.Fixtures}/tree/nested/c.owner",
            $"{Ownerc.Fixtures}/tree/nested/deeper/d.owner",
        ]);
    }

    [Fact]
    public void Hidden_folders_and_other_files_are_skipped_unless_named()
    {
        CliResult result = Ownerc.Run("check", $"{Ownerc.Fixtures}/tree", "--format", "msbuild");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldNotContain(".hidden");
        result.Stdout.ShouldNotContain("notes.txt");

        Ownerc.Run("check", $"{Ownerc.Fixtures}/tree/.hidden").Stdout.ShouldContain(".hidden/e.owner(5,13)");
    }

    [Fact]
    public void Folder_output_lists_files_in_path_order() =>
        Baseline.Verify(Ownerc.Run("check", $"{Ownerc.Fixtures}/tree", "--format", "msbuild").Render(), "Check/tree.msbuild.txt");

    [Fact]
    public void A_file_named_twice_or_inside_a_named_folder_is_checked_once()
    {
        string file = $"{Ownerc.Fixtures}/errors/conflict.owner";
        CliResult once = Ownerc.Run("check", file, "--format", "json");
        Ownerc.Run("check", file, "./" + file, $"{Ownerc.Fixtures}/errors", "--format", "json").Stdout
            .ShouldContain("\"files\": 2");
        Ownerc.Run("check", file, file, "--format", "json").ShouldBe(once);
    }

    [Fact]
    public void Paths_stay_as_written_relative_to_the_current_directory()
    {
        CliResult result = Ownerc.RunIn(Ownerc.FixturesFullPath, "check", "errors/conflict.owner", "--format", "msbuild");
        result.Stdout.ShouldStartWith("errors/conflict.owner(8,1,8,36): error OWN0102:");
    }

    [Fact]
    public void A_named_file_is_checked_whatever_its_extension()
    {
        using var temp = new TempFolder();
        temp.Write("policy.txt", Policies.Conflict);
        Ownerc.RunIn(temp.Path, "check", "policy.txt", "--format", "msbuild").Stdout.ShouldStartWith("policy.txt(8,1,8,41): error OWN0102");
    }

    [Fact]
    public void A_symbolic_link_loop_does_not_hang_the_search()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Creating links needs developer mode or elevation there.
        }

        using var temp = new TempFolder();
        temp.Write("a/demo.owner", Policies.Valid);
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "a", "up"), "..");
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "a", "self"), ".");
        Directory.CreateSymbolicLink(Path.Combine(temp.Path, "elsewhere"), Path.Combine(temp.Path, "a"));

        CliResult result = Ownerc.RunIn(temp.Path, "check", ".");
        result.ShouldBe(new CliResult(0, "no problems found in 1 file\n", ""));
    }

    [Fact]
    public void An_unreadable_folder_is_reported_and_the_rest_is_still_checked()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempFolder();
        temp.Write("ok/demo.owner", Policies.Conflict);
        temp.Write("locked/hidden.owner", Policies.Valid);
        string locked = Path.Combine(temp.Path, "locked");
        File.SetUnixFileMode(locked, UnixFileMode.None);
        if (CanList(locked))
        {
            return; // Running as root: permissions do not stop the search, nothing to test.
        }

        CliResult result = Ownerc.RunIn(temp.Path, "check", ".", "--format", "msbuild");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldBe("ownerc: error: cannot read folder './locked': permission denied\n");
        result.Stdout.ShouldStartWith("./ok/demo.owner(8,1,8,41): error OWN0102");
    }

    [Fact]
    public void An_unreadable_file_is_reported_in_one_line_and_exits_2()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempFolder();
        string file = temp.Write("secret.owner", Policies.Valid);
        File.SetUnixFileMode(file, UnixFileMode.None);
        if (CanRead(file))
        {
            return; // Running as root.
        }

        Ownerc.RunIn(temp.Path, "check", "secret.owner").ShouldBe(new CliResult(2, "", "ownerc: error: cannot read 'secret.owner': permission denied\n"));
    }

    [Fact]
    public void A_file_deleted_after_the_search_is_a_read_error_not_a_crash()
    {
        using var temp = new TempFolder();
        string file = temp.Write("gone.owner", Policies.Valid);
        InputSet inputs = InputCollector.Collect(["gone.owner"], temp.Path);
        File.Delete(file);

        PolicyDocument document = PolicyFileReader.Read(inputs.Files.Single());
        document.ReadError.ShouldBe("cannot read 'gone.owner': it no longer exists (deleted or moved meanwhile)");
    }

    [Fact]
    public void Invalid_utf8_is_a_diagnostic_not_a_read_error()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(Path.Combine(temp.Path, "bad.owner"), [.. "policy Bad\nstages A\n// caf"u8, 0xE9, 0xFF, (byte)'\n']);
        CliResult result = Ownerc.RunIn(temp.Path, "check", "bad.owner", "--format", "msbuild");
        result.ExitCode.ShouldBe(1);
        result.Stdout.ShouldContain("error OWN0001");
        result.Stderr.ShouldBeEmpty();
    }

    private static bool CanList(string folder)
    {
        try
        {
            _ = Directory.EnumerateFileSystemEntries(folder).ToList();
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool CanRead(string file)
    {
        try
        {
            File.ReadAllBytes(file);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
