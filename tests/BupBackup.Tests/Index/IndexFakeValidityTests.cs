using System.Text;
using BupBackup.Index;
using BupBackup.Tests.Save;
using BupStore.Objects;

namespace BupBackup.Tests.Index;

/// <summary>--fake-valid and --fake-invalid: validity set for everything at or below the walked paths, nothing read.</summary>
public sealed class IndexFakeValidityTests : IDisposable
{
    private readonly BackupWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private List<IndexRecord> Below(string path) =>
        [.. _ws.Records().Where(r => PathNames.IsWithin(r.Path, BackupWorkspace.B(path + "/")))];

    [Fact]
    public void Fake_valid_marks_new_records_valid_with_an_id_no_repository_holds()
    {
        _ws.Write("a.txt", "a");
        _ws.Write("sub/b.txt", "b");
        _ws.AgeAll();
        _ws.Index(new IndexOptions { Fake = FakeValidity.Valid }, _ws.Source + "/sub");
        var sub = Below(_ws.Source + "/sub");
        Assert.Equal(2, sub.Count);
        Assert.All(sub, r => Assert.True(r.IsValid));
        Assert.All(sub, r => Assert.Equal(IndexMerge.FakeId, r.Id));
        Assert.All(_ws.Records().Where(r => !PathNames.IsWithin(r.Path, BackupWorkspace.B(_ws.Source + "/sub/"))), r => Assert.False(r.IsValid, $"{r} is outside the walked path"));
        Assert.Equal(_ws.Records().Count, IndexFile.Check(_ws.IndexPath));

        // The placeholder is in no repository, so a save still reads the files.
        var saved = _ws.Save("t", null, _ws.Source + "/sub");
        Assert.Equal(1, saved.Statistics.FilesRead);
        Assert.Equal("b", _ws.Git("cat-file", "blob", $"t:{_ws.SavedSource}/sub/b.txt"));
    }

    [Fact]
    public void Fake_valid_makes_a_save_keep_the_old_content_of_a_changed_file()
    {
        var file = _ws.Write("f.txt", "old");
        _ws.AgeAll();
        _ws.Index();
        _ws.Save("t");
        File.WriteAllText(file, "new content");
        Thread.Sleep(1100);
        _ws.Index(new IndexOptions { Fake = FakeValidity.Valid });
        var record = _ws.Record(file);
        Assert.True(record.IsValid);
        Assert.Equal("new content".Length, record.Status.Size);

        var saved = _ws.Save("t");
        Assert.Equal(0, saved.Statistics.FilesRead);
        Assert.Equal("old", _ws.Git("cat-file", "blob", $"t:{_ws.SavedSource}/f.txt"));
    }

    [Fact]
    public void Fake_invalid_makes_the_next_save_read_the_files_again()
    {
        _ws.Write("keep/a.txt", "a");
        _ws.Write("again/b.txt", "bb");
        _ws.Write("again/c.txt", "ccc");
        _ws.AgeAll();
        _ws.Index();
        _ws.Save("t");
        Assert.All(_ws.Records().Where(r => !r.IsSynthetic && PathNames.IsWithin(r.Path, BackupWorkspace.B(_ws.Source + "/"))), r => Assert.True(r.IsValid));
        var before = _ws.Record(_ws.Source + "/again/b.txt").Id;

        _ws.Index(new IndexOptions { Fake = FakeValidity.Invalid }, _ws.Source + "/again");
        Assert.All(Below(_ws.Source + "/again"), r => Assert.False(r.IsValid));
        Assert.Equal(before, _ws.Record(_ws.Source + "/again/b.txt").Id);
        Assert.True(_ws.Record(_ws.Source + "/keep/a.txt").IsValid);
        Assert.False(_ws.Record(_ws.Source + "/").IsValid); // a directory is valid only when all it holds is

        var saved = _ws.Save("t");
        Assert.Equal(2, saved.Statistics.FilesRead);
        Assert.Equal(5, saved.Statistics.BytesRead);
    }
}
