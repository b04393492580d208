package sqlstore

import (
	"errors"
	"strings"

	"gorm.io/gorm"

	"github.com/parkfin/parkfin/engine"
)

// translate turns driver errors into domain errors at the boundary; domain
// errors and nil pass through.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var de *engine.Error
	if errors.As(err, &de) {
		return err
	}
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &engine.Error{Code: engine.ENOTFOUND, Message: "Not found.", MessageZH: "未找到。", Err: err}
	case errors.Is(err, gorm.ErrDuplicatedKey), strings.Contains(err.Error(), "UNIQUE constraint failed"):
		return &engine.Error{Code: engine.EDUPLICATE, Message: "It exists already.", MessageZH: "该记录已存在。", Err: err}
	case errors.Is(err, gorm.ErrForeignKeyViolated), strings.Contains(err.Error(), "FOREIGN KEY constraint failed"):
		return &engine.Error{Code: engine.EINVALID, Message: "It refers to something that does not exist.", MessageZH: "引用的园区、银行或区县不存在。", Err: err}
	}
	return err
}

func notFound(what, key string) error {
	return engine.Errorf(engine.ENOTFOUND, "找不到%s“%s”。", "No %s %q.", what, key)
}
