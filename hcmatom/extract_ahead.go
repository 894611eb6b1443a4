package hcmatom

import (
	"io"
	"sync"
)

// aheadReader reads its source in a goroutine of its own, a few buffers
// ahead of its reader. Loading an extract is two sequential halves of equal
// weight, decrypting and decompressing on one side, parsing and building
// the roster on the other; with it, they run on two cores at once. Memory
// stays at n buffers of size bytes whatever the file's size.
type aheadReader struct {
	chunks  chan aheadChunk
	free    chan []byte
	done    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
	cur     []byte // what is left of the chunk being read
	last    []byte // that chunk's buffer, to give back
	pending error  // the source's error, once cur is used up
}

type aheadChunk struct {
	b   []byte
	err error
}

func newAheadReader(src io.Reader, size, n int) *aheadReader {
	a := &aheadReader{
		chunks: make(chan aheadChunk, n),
		free:   make(chan []byte, n),
		done:   make(chan struct{}),
	}
	for range n {
		a.free <- make([]byte, size)
	}
	a.wg.Add(1)
	go a.fill(src)
	return a
}

func (a *aheadReader) fill(src io.Reader) {
	defer a.wg.Done()
	for {
		var buf []byte
		select {
		case buf = <-a.free:
		case <-a.done:
			return
		}
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var m int
			m, err = src.Read(buf[n:])
			n += m
		}
		select {
		case a.chunks <- aheadChunk{buf[:n], err}:
		case <-a.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// Read reads what the goroutine has read, and the source's error once
// everything before it has been read.
func (a *aheadReader) Read(p []byte) (int, error) {
	for len(a.cur) == 0 {
		if a.pending != nil {
			return 0, a.pending
		}
		if a.last != nil {
			a.free <- a.last[:cap(a.last)]
			a.last = nil
		}
		select {
		case c := <-a.chunks:
			a.cur, a.last, a.pending = c.b, c.b, c.err
		case <-a.done:
			return 0, io.ErrClosedPipe
		}
	}
	n := copy(p, a.cur)
	a.cur = a.cur[n:]
	return n, nil
}

// Close stops the goroutine and waits for it: the source is not read once
// Close has returned. It is safe to call more than once.
func (a *aheadReader) Close() error {
	a.once.Do(func() { close(a.done) })
	a.wg.Wait()
	return nil
}

// rowsAhead parses an extract's rows in a goroutine of its own, a few
// blocks ahead of LoadExtract, which stages them: with the aheadReader
// underneath, decrypting, parsing and building the roster run at once. The
// goroutine owns the ExtractReader until it has sent a block that ends
// with an error, or until stop has returned.
type rowsAhead struct {
	blocks chan *rowBlock // closed when the goroutine ends
	free   chan *rowBlock
	done   chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
}

// rowBlock is a run of rows as nextRow parsed them, good or bad, in file
// order; err, when set, is the error that came after them (io.EOF at the
// end).
type rowBlock struct {
	rows []parsedRow
	err  error
}

type parsedRow struct {
	row ExtractRow
	bad *RowError
}

func newRowsAhead(x *ExtractReader, size, n int) *rowsAhead {
	a := &rowsAhead{
		blocks: make(chan *rowBlock, n),
		free:   make(chan *rowBlock, n),
		done:   make(chan struct{}),
	}
	for range n {
		a.free <- &rowBlock{rows: make([]parsedRow, 0, size)}
	}
	a.wg.Add(1)
	go a.parse(x)
	return a
}

func (a *rowsAhead) parse(x *ExtractReader) {
	defer a.wg.Done()
	defer close(a.blocks)
	for {
		var b *rowBlock
		select {
		case b = <-a.free:
		case <-a.done:
			return
		}
		b.rows, b.err = b.rows[:0], nil
		for len(b.rows) < cap(b.rows) {
			row, bad, err := x.nextRow()
			if err != nil {
				b.err = err
				break
			}
			b.rows = append(b.rows, parsedRow{row, bad})
		}
		select {
		case a.blocks <- b:
		case <-a.done:
			return
		}
		if b.err != nil {
			return
		}
	}
}

// recycle gives a block back once its rows have been used.
func (a *rowsAhead) recycle(b *rowBlock) {
	clear(b.rows) // let go of the rows' strings and maps
	a.free <- b
}

// stop ends the goroutine and waits for it. It is safe to call more than
// once.
func (a *rowsAhead) stop() {
	a.once.Do(func() { close(a.done) })
	a.wg.Wait()
}
