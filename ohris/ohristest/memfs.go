package ohristest

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
)

// memFS is the exchange space: an in-memory tree of folders and files,
// served over SFTP with the semantics of OpenSSH's sftp-server (a rename
// onto an existing file fails, the posix-rename extension replaces it).
type memFS struct {
	mu    sync.Mutex
	nodes map[string]*node // by clean absolute path; "/" is the root
	now   func() time.Time
}

type node struct {
	dir   bool
	data  []byte
	mod   time.Time
	perm  fs.FileMode // permission bits: 0755 for folders, 0644 for files until a client sets them
	atime time.Time   // last access as a client set it; the zero time until then
	// rootOwned: a folder owned by root and not writable by the user, as
	// OpenSSH's ChrootDirectory requires of the landing folder: no entry
	// can be created, renamed or removed in it.
	rootOwned bool
}

func newMemFS(now func() time.Time) *memFS {
	return &memFS{nodes: map[string]*node{"/": {dir: true, mod: now(), perm: 0o755}}, now: now}
}

func clean(p string) string { return path.Join("/", p) }

// parentDir returns an error when there is no folder that holds p.
func (m *memFS) parentDir(p string) error {
	if n := m.nodes[path.Dir(p)]; n == nil || !n.dir {
		return os.ErrNotExist
	}
	return nil
}

// writableDir returns an error when p's folder does not exist or the user
// may not change its entries.
func (m *memFS) writableDir(p string) error {
	if err := m.parentDir(p); err != nil {
		return err
	}
	if m.nodes[path.Dir(p)].rootOwned {
		return sftp.ErrSSHFxPermissionDenied
	}
	return nil
}

func (m *memFS) mkdir(p string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p = clean(p)
	if m.nodes[p] != nil {
		return os.ErrExist
	}
	if err := m.parentDir(p); err != nil {
		return err
	}
	m.nodes[p] = &node{dir: true, mod: m.now(), perm: 0o755}
	return nil
}

func (m *memFS) readFile(p string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.nodes[clean(p)]
	if n == nil || n.dir {
		return nil, os.ErrNotExist
	}
	return bytes.Clone(n.data), nil
}

func (m *memFS) writeFile(p string, data []byte, mod time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p = clean(p)
	if n := m.nodes[p]; n != nil && n.dir {
		return fs.ErrExist
	}
	if err := m.parentDir(p); err != nil {
		return err
	}
	m.nodes[p] = &node{data: bytes.Clone(data), mod: mod, perm: 0o644}
	return nil
}

func (m *memFS) remove(p string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	p = clean(p)
	n := m.nodes[p]
	if n == nil {
		return os.ErrNotExist
	}
	if err := m.writableDir(p); err != nil {
		return err
	}
	if n.dir {
		for q := range m.nodes {
			if path.Dir(q) == p && q != p {
				return fs.ErrInvalid // not empty
			}
		}
	}
	delete(m.nodes, p)
	return nil
}

// rename moves a file; replace tells whether an existing target is
// replaced (posix-rename) or makes the rename fail (SFTP rename).
func (m *memFS) rename(from, to string, replace bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	from, to = clean(from), clean(to)
	n := m.nodes[from]
	if n == nil {
		return os.ErrNotExist
	}
	if n.dir {
		return fs.ErrInvalid // the exchange space has fixed folders
	}
	if err := m.writableDir(from); err != nil {
		return err
	}
	if err := m.writableDir(to); err != nil {
		return err
	}
	if t := m.nodes[to]; t != nil && (t.dir || !replace) {
		return fs.ErrExist
	}
	delete(m.nodes, from)
	m.nodes[to] = n
	return nil
}

// fileInfo describes a node for listings.
type fileInfo struct {
	name  string
	size  int64
	dir   bool
	mod   time.Time
	perm  fs.FileMode
	atime time.Time
}

func (n *node) info(name string) fileInfo {
	return fileInfo{name: name, size: int64(len(n.data)), dir: n.dir, mod: n.mod, perm: n.perm, atime: n.atime}
}

func (f fileInfo) Name() string       { return f.name }
func (f fileInfo) Size() int64        { return f.size }
func (f fileInfo) ModTime() time.Time { return f.mod }
func (f fileInfo) IsDir() bool        { return f.dir }
func (f fileInfo) Sys() any           { return nil }
func (f fileInfo) Mode() fs.FileMode {
	if f.dir {
		return fs.ModeDir | f.perm
	}
	return f.perm
}

func (m *memFS) stat(p string) (fileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p = clean(p)
	n := m.nodes[p]
	if n == nil {
		return fileInfo{}, os.ErrNotExist
	}
	return n.info(path.Base(p)), nil
}

// list returns the entries of a folder in name order.
func (m *memFS) list(dir string) ([]fileInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir = clean(dir)
	if n := m.nodes[dir]; n == nil || !n.dir {
		return nil, os.ErrNotExist
	}
	var out []fileInfo
	for p, n := range m.nodes {
		if p != "/" && path.Dir(p) == dir {
			out = append(out, n.info(path.Base(p)))
		}
	}
	slices.SortFunc(out, func(a, b fileInfo) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// handlers serves memFS to one SFTP session. written is called with the
// number of bytes of each write, before it is stored, and may refuse it.
type handlers struct {
	fs      *memFS
	written func(n int) error
	record  func(Request, error) // notes each request and its outcome
}

func (h *handlers) sftpHandlers() sftp.Handlers {
	return sftp.Handlers{FileGet: h, FilePut: h, FileCmd: h, FileList: h}
}

// Fileread opens a file for reading; the reader sees the file as it was
// when opened.
func (h *handlers) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	data, err := h.fs.readFile(r.Filepath)
	h.record(Request{Op: "open", Path: r.Filepath, Detail: openFlags(r.Pflags())}, err)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(data), nil
}

// Filewrite opens a file for writing with the flags of the request.
func (h *handlers) Filewrite(r *sftp.Request) (w io.WriterAt, err error) {
	defer func() { h.record(Request{Op: "open", Path: r.Filepath, Detail: openFlags(r.Pflags())}, err) }()
	m := h.fs
	flags := r.Pflags()
	m.mu.Lock()
	defer m.mu.Unlock()
	p := clean(r.Filepath)
	n := m.nodes[p]
	switch {
	case n != nil && n.dir:
		return nil, fs.ErrInvalid
	case n != nil && flags.Creat && flags.Excl:
		return nil, os.ErrExist
	case n == nil && !flags.Creat:
		return nil, os.ErrNotExist
	case n == nil:
		if err := m.writableDir(p); err != nil {
			return nil, err
		}
		n = &node{mod: m.now(), perm: 0o644}
		m.nodes[p] = n
	case flags.Trunc:
		n.data, n.mod = nil, m.now()
	}
	return &memWriter{h: h, n: n}, nil
}

// memWriter writes into a file node. Writes may come out of order, as the
// SFTP client sends them concurrently.
type memWriter struct {
	h *handlers
	n *node
}

func (w *memWriter) WriteAt(p []byte, off int64) (int, error) {
	if w.h.written != nil {
		if err := w.h.written(len(p)); err != nil {
			return 0, err
		}
	}
	m := w.h.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	if end := off + int64(len(p)); end > int64(len(w.n.data)) {
		w.n.data = append(w.n.data, make([]byte, end-int64(len(w.n.data)))...)
	}
	copy(w.n.data[off:], p)
	w.n.mod = m.now()
	return len(p), nil
}

// openFlags writes the flags of an open as "write,create,excl".
func openFlags(f sftp.FileOpenFlags) string {
	var out []string
	for _, fl := range []struct {
		on   bool
		name string
	}{{f.Read, "read"}, {f.Write, "write"}, {f.Append, "append"}, {f.Creat, "create"}, {f.Trunc, "trunc"}, {f.Excl, "excl"}} {
		if fl.on {
			out = append(out, fl.name)
		}
	}
	return strings.Join(out, ",")
}

// Filecmd runs the commands that change the tree.
func (h *handlers) Filecmd(r *sftp.Request) error {
	detail := ""
	if r.Method == "Setstat" {
		detail = attrString(r.AttrFlags(), r.Attributes())
	}
	err := h.filecmd(r)
	h.record(Request{Op: strings.ToLower(r.Method), Path: r.Filepath, Target: r.Target, Detail: detail}, err)
	return err
}

func (h *handlers) filecmd(r *sftp.Request) error {
	switch r.Method {
	case "Rename":
		return h.fs.rename(r.Filepath, r.Target, false)
	case "Remove":
		if fi, err := h.fs.stat(r.Filepath); err == nil && fi.dir {
			return fs.ErrInvalid
		}
		return h.fs.remove(r.Filepath)
	case "Rmdir":
		return h.fs.remove(r.Filepath)
	case "Mkdir":
		if err := h.fs.writable(r.Filepath); err != nil {
			return err
		}
		return h.fs.mkdir(r.Filepath)
	case "Setstat":
		return h.fs.setstat(r.Filepath, r.AttrFlags(), r.Attributes())
	}
	return sftp.ErrSSHFxOpUnsupported
}

// PosixRename replaces the target, as OpenSSH's posix-rename@openssh.com.
func (h *handlers) PosixRename(r *sftp.Request) error {
	err := h.fs.rename(r.Filepath, r.Target, true)
	h.record(Request{Op: "posix-rename", Path: r.Filepath, Target: r.Target}, err)
	return err
}

// Filelist answers listings and stats.
func (h *handlers) Filelist(r *sftp.Request) (l sftp.ListerAt, err error) {
	defer func() { h.record(Request{Op: strings.ToLower(r.Method), Path: r.Filepath}, err) }()
	switch r.Method {
	case "List":
		fis, err := h.fs.list(r.Filepath)
		if err != nil {
			return nil, err
		}
		out := make(listerAt, len(fis))
		for i, fi := range fis {
			out[i] = fi
		}
		return out, nil
	case "Stat", "Lstat":
		fi, err := h.fs.stat(r.Filepath)
		if err != nil {
			return nil, err
		}
		return listerAt{fi}, nil
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

type listerAt []os.FileInfo

func (l listerAt) ListAt(dst []os.FileInfo, off int64) (int, error) {
	if off >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(dst, l[off:])
	if n+int(off) >= len(l) {
		return n, io.EOF
	}
	return n, nil
}

// setstat sets the attributes a client gives, as OpenSSH's sftp-server
// does: the size (truncating or extending the file), the permission bits,
// the access and modification times. A change of owner is refused, as it
// is to a user who is not root.
func (m *memFS) setstat(p string, flags sftp.FileAttrFlags, a *sftp.FileStat) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.nodes[clean(p)]
	switch {
	case n == nil:
		return os.ErrNotExist
	case flags.UidGid:
		return sftp.ErrSSHFxPermissionDenied
	case flags.Size && n.dir:
		return fs.ErrInvalid
	}
	if flags.Size {
		if a.Size > uint64(maxFileBytes) {
			return sftp.ErrSSHFxFailure
		}
		n.data = append(n.data[:min(uint64(len(n.data)), a.Size)], make([]byte, a.Size-min(uint64(len(n.data)), a.Size))...)
	}
	if flags.Permissions {
		n.perm = fs.FileMode(a.Mode) & fs.ModePerm
	}
	if flags.Acmodtime {
		n.atime, n.mod = time.Unix(int64(a.Atime), 0), time.Unix(int64(a.Mtime), 0)
	}
	return nil
}

// maxFileBytes bounds the size a client may set a file to.
const maxFileBytes = 1 << 30

// attrString writes the attributes of a setstat for Request.Detail.
func attrString(flags sftp.FileAttrFlags, a *sftp.FileStat) string {
	var out []string
	if flags.Size {
		out = append(out, fmt.Sprintf("size=%d", a.Size))
	}
	if flags.UidGid {
		out = append(out, fmt.Sprintf("uid=%d gid=%d", a.UID, a.GID))
	}
	if flags.Permissions {
		out = append(out, fmt.Sprintf("mode=%04o", a.Mode&0o7777))
	}
	if flags.Acmodtime {
		out = append(out, "atime="+time.Unix(int64(a.Atime), 0).UTC().Format(time.RFC3339),
			"mtime="+time.Unix(int64(a.Mtime), 0).UTC().Format(time.RFC3339))
	}
	return strings.Join(out, " ")
}

// writable returns an error when the user may not create p.
func (m *memFS) writable(p string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.writableDir(clean(p))
}

// chroot makes the root folder root-owned.
func (m *memFS) chroot() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nodes["/"].rootOwned = true
}

// touch sets the modification time of p to now, as an archive's date.
func (m *memFS) touch(p string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := m.nodes[clean(p)]; n != nil {
		n.mod = m.now()
	}
}
